/** Retry timing: exponential backoff with full jitter, and the server's Retry-After. */
export interface BackoffOptions {
  /** First retry waits up to this long. @default 100 */
  readonly baseMs?: number;
  /** No wait is longer than this (Retry-After included). @default 30_000 */
  readonly maxMs?: number;
}

/** Full jitter (AWS architecture blog): a uniform wait in [0, min(max, base·2^attempt)]. */
export const backoffDelay = (
  attempt: number,
  { baseMs = 100, maxMs = 30_000 }: BackoffOptions,
  random: () => number = Math.random,
): number => Math.round(random() * Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30)));

/** A Retry-After header (delay-seconds or an HTTP date) as milliseconds from `now`. */
export const retryAfterMs = (header: string | null, now = Date.now()): number | undefined => {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
};

/** Which HTTP statuses are worth sending again: throttling and server faults. */
export const isRetryable = (status: number): boolean =>
  status === 408 || status === 429 || status >= 500;
