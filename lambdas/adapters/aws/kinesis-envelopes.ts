import { type KinesisClient, PutRecordCommand } from '@aws-sdk/client-kinesis';
import type { IntakeEnvelope } from '#core/events/envelope.ts';
import { chainOf } from '#core/pipeline/chain-of.ts';
import type { EnvelopeSink } from '#ports/envelope-sink.ts';

const encoder = new TextEncoder();

export interface KinesisEnvelopesOptions {
  readonly client: KinesisClient;
  /** Stream name or ARN. */
  readonly stream: string;
}

/**
 * Puts intake envelopes on the event stream exactly as the API's direct integration does:
 * the envelope JSON as data, the chain as partition key, so one chain stays on one shard
 * and in order. Used by the guardrail Lambda to chain the calls it evaluated.
 */
export class KinesisEnvelopes implements EnvelopeSink {
  readonly #client: KinesisClient;
  readonly #stream: { StreamARN: string } | { StreamName: string };

  constructor(options: KinesisEnvelopesOptions) {
    this.#client = options.client;
    this.#stream = options.stream.startsWith('arn:')
      ? { StreamARN: options.stream }
      : { StreamName: options.stream };
  }

  /** One PutRecord per envelope, in order (the guardrail publishes one at a time). */
  async publish(envelopes: readonly IntakeEnvelope[]): Promise<void> {
    for (const envelope of envelopes) {
      await this.#client.send(
        new PutRecordCommand({
          ...this.#stream,
          PartitionKey: chainOf(envelope),
          Data: encoder.encode(JSON.stringify(envelope)),
        }),
      );
    }
  }
}
