import type { IncomingMessage } from 'node:http';
import type { ApiAnswer } from '#core/api/answer.ts';
import type { ApiRequest } from '#core/api/request.ts';

/** What a route handler gets for one request. */
export interface RequestContext extends ApiRequest {
  readonly req: IncomingMessage;
  /** Path parameters, already URL-decoded (`event_id`). */
  readonly params: Readonly<Record<string, string>>;
}

/** A route handler: answers, or throws an ApiRefusal that becomes the answer. */
export type Handler = (context: RequestContext) => Promise<ApiAnswer>;
