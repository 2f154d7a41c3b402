import type { RequestHeaders } from '#core/events/api-key.ts';
import type { IntakeEnvelope } from '#core/events/envelope.ts';
import { parseJsonBody } from '#core/events/limits.ts';
import { requireJsonContent } from './content-type.ts';
import { ApiRefusal, invalidRequest } from './refusal.ts';

/** What a route knows of the request it answers, on either runtime. */
export interface ApiRequest {
  /** Unique per request (API Gateway's request id, a UUID locally); batch items get
   * `<requestId>:<index>`. */
  readonly requestId: string;
  /** ISO 8601 UTC, when the request arrived. */
  readonly receivedAt: string;
}

/**
 * The JSON body of a request, checked the way API Gateway guards its models: JSON content
 * type (415), at most `limit` bytes (413), valid UTF-8 JSON of bounded depth (400).
 */
export const parseJsonRequest = (
  headers: RequestHeaders,
  body: Uint8Array | string,
  limit: number,
): unknown => {
  requireJsonContent(headers);
  const parsed = parseJsonBody(body, limit);
  if (parsed.ok) return parsed.value;
  if (parsed.status === 413) {
    throw new ApiRefusal('payload_too_large', undefined, parsed.problems);
  }
  throw invalidRequest(parsed.problems);
};

/** A route's intake envelope for one payload. */
export const envelopeOf = (
  route: string,
  request: ApiRequest,
  payload: unknown,
  requestId: string = request.requestId,
): IntakeEnvelope => ({
  v: 1,
  route,
  request_id: requestId,
  received_at: request.receivedAt,
  payload,
});
