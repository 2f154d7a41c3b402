import type { IntakeEnvelope } from '#core/events/envelope.ts';

/**
 * Where accepted envelopes go to be chained: the durable stream locally, Kinesis on AWS.
 * `publish` resolves once they are durable (on disk, or on the stream), which is when the
 * API may answer 202; it rejects when they were not taken (the API answers 503).
 */
export interface EnvelopeSink {
  publish(envelopes: readonly IntakeEnvelope[]): Promise<void>;
}
