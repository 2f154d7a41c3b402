import type { RequestHeaders } from '#core/events/api-key.ts';
import type { ApiAnswer } from './answer.ts';
import { requireJsonContent } from './content-type.ts';
import { type ApiRequest, parseJsonRequest } from './request.ts';

/**
 * One request as every route function reads it, on either runtime: the local server builds
 * it from node:http, the AWS route Lambda (handlers/wiring/route-lambda.ts) from API
 * Gateway's proxy event. `principal` is the authenticated key (the local key store, or
 * the authorizer's context on AWS).
 */
export interface RouteInput extends ApiRequest {
  /** Path parameters, URL-decoded (`event_id`). */
  readonly params: Readonly<Record<string, string>>;
  /** Query parameters, the first value of each. */
  readonly query: Readonly<Record<string, string | undefined>>;
  /** By lower-case name. */
  readonly headers: RequestHeaders;
  /** The body's bytes; refused with 413 past `limit` (read no further). */
  readonly body: (limit: number) => Promise<Uint8Array>;
}

/** A route's answer to one request; throws an ApiRefusal to refuse. */
export type RouteAnswer = (input: RouteInput) => Promise<ApiAnswer>;

/** The request's JSON body by the contract's rules: 415 before reading, 413, 400. */
export const jsonBody = async (input: RouteInput, limit: number): Promise<unknown> => {
  requireJsonContent(input.headers);
  return parseJsonRequest(input.headers, await input.body(limit), limit);
};
