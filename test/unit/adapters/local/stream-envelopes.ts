import type { IntakeEnvelope } from '#core/events/envelope.ts';
import type { EnvelopeOutcome } from '#core/pipeline/outcome.ts';

/** An envelope whose payload names its partition (`app`) and carries an index. */
export const envelope = (partition: string, index: number): IntakeEnvelope => ({
  v: 1,
  route: 'decision_log',
  request_id: `${partition}:${index}`,
  received_at: '2025-01-01T00:00:00.000Z',
  payload: { application_id: partition, index },
});

export const envelopes = (partition: string, count: number, from = 0): IntakeEnvelope[] =>
  Array.from({ length: count }, (_, i) => envelope(partition, from + i));

export const partitionOf = (e: IntakeEnvelope): string =>
  (e.payload as { application_id: string }).application_id;

export const indexOf = (e: IntakeEnvelope): number => (e.payload as { index: number }).index;

export const recorded = (e: IntakeEnvelope): EnvelopeOutcome => ({
  request_id: e.request_id,
  status: 'recorded',
});

export const failed = (e: IntakeEnvelope): EnvelopeOutcome => ({
  request_id: e.request_id,
  status: 'failed',
  error: 'simulated',
});
