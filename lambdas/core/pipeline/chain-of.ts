import { chainKeyOf } from '#core/events/chain-key.ts';
import type { IntakeEnvelope } from '#core/events/envelope.ts';
import { GUARDRAIL_ROUTE, guardrailChainKey } from '#core/events/guardrail-request.ts';

/** The chain an envelope is appended to: its chain key, plus the lane for a hot key. */
export const chainOf = (envelope: IntakeEnvelope): string => {
  const key =
    envelope.route === GUARDRAIL_ROUTE
      ? guardrailChainKey(envelope.payload)
      : chainKeyOf(envelope.payload);
  return envelope.lane === undefined ? key : `${key}#${envelope.lane}`;
};
