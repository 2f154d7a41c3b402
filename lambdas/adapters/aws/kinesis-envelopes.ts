import { type KinesisClient, PutRecordCommand, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import type { IntakeEnvelope } from '#core/events/envelope.ts';
import { chainOf } from '#core/pipeline/chain-of.ts';
import type { EnvelopeSink } from '#ports/envelope-sink.ts';

const encoder = new TextEncoder();

/** PutRecords takes at most 500 records and 5 MiB per call. */
const MAX_RECORDS_PER_PUT = 500;
const MAX_BYTES_PER_PUT = 5 * 1_048_576;

/** Some records of a PutRecords call were not put (throttled, or a stream fault). */
export class KinesisPutError extends Error {
  override readonly name = 'KinesisPutError';
}

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

  /** Puts many envelopes with PutRecords (chunks of at most 500 records / 5 MiB); throws
   * KinesisPutError when any record was refused, so the caller answers 5xx and the client
   * sends again (the event ids make a re-sent envelope a duplicate, not a second record). */
  async putMany(envelopes: readonly IntakeEnvelope[]): Promise<void> {
    let chunk: { PartitionKey: string; Data: Uint8Array }[] = [];
    let bytes = 0;
    const flush = async (): Promise<void> => {
      if (chunk.length === 0) return;
      const answer = await this.#client.send(
        new PutRecordsCommand({ ...this.#stream, Records: chunk }),
      );
      if ((answer.FailedRecordCount ?? 0) > 0) {
        throw new KinesisPutError(`${answer.FailedRecordCount} of ${chunk.length} records not put`);
      }
      chunk = [];
      bytes = 0;
    };
    for (const envelope of envelopes) {
      const record = {
        PartitionKey: chainOf(envelope),
        Data: encoder.encode(JSON.stringify(envelope)),
      };
      const size = record.Data.byteLength + Buffer.byteLength(record.PartitionKey);
      if (chunk.length === MAX_RECORDS_PER_PUT || bytes + size > MAX_BYTES_PER_PUT) await flush();
      chunk.push(record);
      bytes += size;
    }
    await flush();
  }
}
