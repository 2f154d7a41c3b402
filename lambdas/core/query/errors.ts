import { ApiRefusal } from '#core/api/refusal.ts';
import type { Problem } from '#core/events/problem.ts';

/** Refusals of the read, search and review routes: the API's one refusal class, so both
 * runtimes answer them as `{ error, message, problems? }`. */
export const notFound = (what: string): ApiRefusal =>
  new ApiRefusal('not_found', `no ${what} (yet)`);

export const forbidden = (message: string): ApiRefusal => new ApiRefusal('forbidden', message);

export const badQuery = (problems: readonly Problem[]): ApiRefusal =>
  new ApiRefusal('invalid_request', undefined, problems);
