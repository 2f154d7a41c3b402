/** Time allowed for a request's headers, then for the whole request (slow clients). */
export const HEADERS_TIMEOUT_MS = 10_000;
export const REQUEST_TIMEOUT_MS = 30_000;

/** After an early refusal, at most this much of the unread body is read and dropped
 * (within this time) before the connection is cut; see discardRest. */
export const DISCARD_MAX_BYTES = 64 * 1_048_576;
export const DISCARD_MAX_MS = 5_000;

/** How long `close()` waits for requests in flight before cutting their connections. */
export const CLOSE_GRACE_MS = 10_000;
