import type { IncomingMessage } from 'node:http';
import type { ApiAnswer } from '#core/api/answer.ts';
import type { RouteInput } from '#core/api/route-input.ts';

/** What a route handler gets for one request: the runtime-neutral input, plus node's
 * request for the routes that stream it. */
export interface RequestContext extends RouteInput {
  readonly req: IncomingMessage;
}

/** A route handler: answers, or throws an ApiRefusal that becomes the answer. */
export type Handler = (context: RequestContext) => Promise<ApiAnswer>;
