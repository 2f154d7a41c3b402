import type { Problem } from '#core/events/problem.ts';

/**
 * A request the API refuses, with the HTTP status and the JSON error code it answers.
 * Thrown by the request helpers (body reading, content type, validation) and turned into
 * the answer in one place (server.ts), so every refusal has the same shape.
 */
export class HttpError extends Error {
  override readonly name: string = 'HttpError';
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

/** The body passed the size limit; reading stopped there (413). */
export class BodyTooLargeError extends HttpError {
  override readonly name = 'BodyTooLargeError';
  readonly limit: number;

  constructor(limit: number) {
    super(413, 'payload_too_large', `request body is over the limit of ${limit} bytes`, [
      { path: '', message: 'body is too large', expected: `at most ${limit} bytes` },
    ]);
    this.limit = limit;
  }
}

/** The client hung up or the connection broke while its body was being read. */
export class RequestAbortedError extends Error {
  override readonly name = 'RequestAbortedError';
}
