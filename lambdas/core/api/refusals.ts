import { type ApiAnswer, errorAnswer } from './answer.ts';

/** The answers of requests no route takes, the same on both runtimes. */

/** No route has this path (API Gateway: MISSING_AUTHENTICATION_TOKEN). */
export const noRouteAnswer = (): ApiAnswer => errorAnswer('not_found');

/** A path parameter is not valid percent-encoding. */
export const badPathAnswer = (): ApiAnswer =>
  errorAnswer('invalid_request', 'malformed percent-encoding in the path', [
    { path: '', message: 'malformed percent-encoding in the path', expected: 'a valid URL path' },
  ]);

/** The path exists with other methods. */
export const wrongMethodAnswer = (allow: readonly string[]): ApiAnswer => {
  const list = allow.join(', ');
  return errorAnswer('method_not_allowed', `use ${list}`, undefined, { allow: list });
};

/** No valid API key. */
export const unauthorizedAnswer = (): ApiAnswer =>
  errorAnswer('unauthorized', undefined, undefined, { 'www-authenticate': 'Bearer' });

/** Anything else that failed (the stream did not take the event): nothing was accepted. */
export const unavailableAnswer = (): ApiAnswer => errorAnswer('unavailable');
