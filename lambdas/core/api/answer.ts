/**
 * The API contract's answers: what every route answers on both runtimes, built here once.
 * The local server writes an answer with node:http, the Lambda handlers return it as an
 * API Gateway proxy result, and API Gateway's own refusals (gateway responses, stream
 * errors) are rendered from the same table (lib/constructs/ingest-mapping.ts).
 */
import type { Problem } from '#core/events/problem.ts';

/** What a route answers: a status, a JSON body and any extra headers. */
export interface ApiAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** The JSON error body every refusal uses: `{ error, message, problems? }`. */
export interface ErrorBody {
  readonly error: ApiErrorCode;
  readonly message: string;
  readonly problems?: readonly Problem[];
}

/** Every error code the API answers, with its status and default message. */
export const API_ERRORS = {
  invalid_request: { status: 400, message: 'the request has problems; see problems' },
  unauthorized: {
    status: 401,
    message: 'send the API key in x-api-key or Authorization: Bearer <key>',
  },
  forbidden: { status: 403, message: 'this key may not call this route' },
  not_found: { status: 404, message: 'no such route' },
  method_not_allowed: { status: 405, message: 'this route does not take that method' },
  payload_too_large: { status: 413, message: 'the request body is over the limit' },
  unsupported_media_type: {
    status: 415,
    message: 'send the body as JSON with Content-Type: application/json',
  },
  throttled: { status: 429, message: 'too many requests; retry later' },
  quota_exceeded: { status: 429, message: 'the quota of this key is used up' },
  unavailable: { status: 503, message: 'the request could not be completed; retry later' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ApiErrorCode = keyof typeof API_ERRORS;

/** An error answer: the code's status, its default message unless given, problems if any. */
export const errorAnswer = (
  error: ApiErrorCode,
  message: string = API_ERRORS[error].message,
  problems?: readonly Problem[],
  headers?: Readonly<Record<string, string>>,
): ApiAnswer => ({
  status: API_ERRORS[error].status,
  body: { error, message, ...(problems === undefined ? {} : { problems }) } satisfies ErrorBody,
  ...(headers === undefined ? {} : { headers }),
});

/** The media type of every answer. */
export const ANSWER_CONTENT_TYPE = 'application/json; charset=utf-8';

/** The headers every answer carries (plus the answer's own): JSON, never cached, and the
 * request id the runtime gave the request. */
export const answerHeaders = (answer: ApiAnswer, requestId: string): Record<string, string> => ({
  'content-type': ANSWER_CONTENT_TYPE,
  'cache-control': 'no-store',
  'x-request-id': requestId,
  ...answer.headers,
});

/** The body of an answer as sent. */
export const answerText = (answer: ApiAnswer): string => JSON.stringify(answer.body);
