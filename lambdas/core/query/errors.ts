import type { Problem } from '#core/events/problem.ts';

/** A read or review request refused, with its HTTP status and stable error code; both
 * runtimes turn it into the same `{ error, message, problems? }` answer. */
export class QueryError extends Error {
  override readonly name: string = 'QueryError';
  readonly status: number;
  readonly code: string;
  readonly problems: readonly Problem[] | undefined;

  constructor(status: number, code: string, message: string, problems?: readonly Problem[]) {
    super(message);
    this.status = status;
    this.code = code;
    this.problems = problems;
  }
}

export const notFound = (what: string): QueryError =>
  new QueryError(404, 'not_found', `no ${what} (yet)`);

export const forbidden = (message: string): QueryError => new QueryError(403, 'forbidden', message);

export const badQuery = (problems: readonly Problem[]): QueryError =>
  new QueryError(400, 'invalid_request', 'the request has problems; see problems', problems);
