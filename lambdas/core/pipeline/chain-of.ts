import { qualify } from '#core/access/tenant.ts';
import { chainKeyOf } from '#core/events/chain-key.ts';
import type { IntakeEnvelope } from '#core/events/envelope.ts';
import { GUARDRAIL_ROUTE, guardrailChainKey } from '#core/events/guardrail-request.ts';
import { type LanePlan, laneChain, laneOf, lanesFor } from '#core/events/lanes.ts';

/** The chain key an envelope names (the application), before tenant and lane. */
export const chainKeyOfEnvelope = (envelope: Pick<IntakeEnvelope, 'route' | 'payload'>): string =>
  envelope.route === GUARDRAIL_ROUTE
    ? guardrailChainKey(envelope.payload)
    : chainKeyOf(envelope.payload);

/** The chain an envelope is appended to: its chain key (qualified by the submitter's
 * tenant, see tenant.ts), plus the lane for a hot key. */
export const chainOf = (envelope: IntakeEnvelope): string => {
  const key = qualify(envelope.submitter?.tenant, chainKeyOfEnvelope(envelope));
  return envelope.lane === undefined ? key : laneChain(key, envelope.lane);
};

/** The envelope with its lane stamped, when the plan spreads its key over lanes: the
 * event id's hash, so a retry of the same event lands on the same lane. */
export const withLane = (
  envelope: IntakeEnvelope,
  eventId: string,
  plan: LanePlan,
): IntakeEnvelope => {
  const lanes = lanesFor(chainKeyOfEnvelope(envelope), plan);
  return lanes === 1 ? envelope : { ...envelope, lane: String(laneOf(eventId, lanes)) };
};
