import { qualify } from '#core/access/tenant.ts';
import { chainKeyOf } from '#core/events/chain-key.ts';
import type { IntakeEnvelope } from '#core/events/envelope.ts';
import { GUARDRAIL_ROUTE, guardrailChainKey } from '#core/events/guardrail-request.ts';

/** The chain key an envelope names (the application), before tenant and lane. */
export const chainKeyOfEnvelope = (envelope: Pick<IntakeEnvelope, 'route' | 'payload'>): string =>
  envelope.route === GUARDRAIL_ROUTE
    ? guardrailChainKey(envelope.payload)
    : chainKeyOf(envelope.payload);

/** The chain an envelope is appended to: its chain key (qualified by the submitter's
 * tenant, see tenant.ts), plus the lane for a hot key. */
export const chainOf = (envelope: IntakeEnvelope): string => {
  const key = qualify(envelope.submitter?.tenant, chainKeyOfEnvelope(envelope));
  return envelope.lane === undefined ? key : `${key}#${envelope.lane}`;
};
