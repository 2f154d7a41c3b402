import { AuditTrailError } from '#core/errors.ts';
import type { Problem } from '#core/events/problem.ts';
import { API_ERRORS, type ApiAnswer, type ApiErrorCode, errorAnswer } from './answer.ts';

/**
 * A request the API refuses. Thrown by the request checks (body size, content type,
 * validation) and turned into its answer in one place on each runtime, so every refusal
 * has the same shape. `code` is the API error code (`invalid_request`, …).
 */
export class ApiRefusal extends AuditTrailError {
  override readonly name: string = 'ApiRefusal';
  readonly code: ApiErrorCode;
  readonly status: number;
  readonly problems: readonly Problem[] | undefined;

  constructor(code: ApiErrorCode, message?: string, problems?: readonly Problem[]) {
    super(message ?? API_ERRORS[code].message);
    this.code = code;
    this.status = API_ERRORS[code].status;
    this.problems = problems;
  }

  /** The answer this refusal becomes. */
  answer(): ApiAnswer {
    return errorAnswer(this.code, this.message, this.problems);
  }
}

/** The body passed the size limit; reading stopped there (413). */
export class RequestTooLargeError extends ApiRefusal {
  override readonly name = 'RequestTooLargeError';
  readonly limit: number;

  constructor(limit: number) {
    super('payload_too_large', `request body is over the limit of ${limit} bytes`, [
      { path: '', message: 'body is too large', expected: `at most ${limit} bytes` },
    ]);
    this.limit = limit;
  }
}

/** 400 with every problem found, in one body. */
export const invalidRequest = (problems: readonly Problem[]): ApiRefusal =>
  new ApiRefusal('invalid_request', API_ERRORS.invalid_request.message, problems);
