import type { IncomingMessage } from 'node:http';
import type { Principal } from '#core/access/roles.ts';
import type { IntakeEnvelope } from '#core/events/envelope.ts';
import type { Answer } from './responses.ts';

/** What a route handler gets for one request. */
export interface RequestContext {
  readonly req: IncomingMessage;
  /** Path parameters, already URL-decoded (`event_id`). */
  readonly params: Readonly<Record<string, string>>;
  /** Unique per request (a UUID); batch items get `<requestId>:<index>`. */
  readonly requestId: string;
  /** ISO 8601 UTC, when the request arrived. */
  readonly receivedAt: string;
  /** Who is calling (undefined only on routes without auth). */
  readonly principal?: Principal;
  /** Query parameters, first value of each. */
  readonly query: Readonly<Record<string, string | undefined>>;
}

/** A route handler: answers, or throws an HttpError that becomes the answer. */
export type Handler = (context: RequestContext) => Promise<Answer>;

/** Where accepted envelopes go: the durable stream. `publish` resolves once they are on
 * disk (or on Kinesis), which is when the API may answer 202. */
export interface EnvelopePublisher {
  publish(envelopes: readonly IntakeEnvelope[]): Promise<void>;
}
