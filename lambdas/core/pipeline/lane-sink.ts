import type { IntakeEnvelope } from '#core/events/envelope.ts';
import { type LanePlan, lanesFor } from '#core/events/lanes.ts';
import { normalise } from '#core/events/normalise.ts';
import type { EnvelopeSink } from '#ports/envelope-sink.ts';
import { chainKeyOfEnvelope, withLane } from './chain-of.ts';

/** The event id the processor will give an envelope (its request id when it will be
 * rejected), which picks its lane. */
const eventIdOf = (envelope: IntakeEnvelope): string => {
  const result = normalise(envelope);
  return result.ok ? result.event.event_id : envelope.request_id;
};

/**
 * A sink that stamps each envelope's lane before publishing, for routes whose answer names
 * no chain (guardrail, OTLP); the event routes stamp it themselves to answer the chain.
 * Envelopes that already carry a lane, or whose key has one lane, pass as they are.
 */
export const laneSink = (sink: EnvelopeSink, plan: LanePlan): EnvelopeSink =>
  plan.length === 0
    ? sink
    : {
        publish: (envelopes) =>
          sink.publish(
            envelopes.map((e) =>
              e.lane !== undefined || lanesFor(chainKeyOfEnvelope(e), plan) === 1
                ? e
                : withLane(e, eventIdOf(e), plan),
            ),
          ),
      };
