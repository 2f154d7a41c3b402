import {
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-kinesis';
import type { RangeRecord, StreamRange, StreamRangeReader } from '#ports/stream-range.ts';

/** `arn:aws:kinesis:<region>:<account>:stream/<name>` → `<name>` (StreamName works on every
 * Kinesis API version, StreamARN only on recent ones). */
export const streamNameOf = (arn: string): string => arn.slice(arn.indexOf(':stream/') + 8);

export interface KinesisRangeReaderOptions {
  readonly client: KinesisClient;
  /** GetRecords calls per range before giving up on reaching its end. @default 100 */
  readonly maxCalls?: number;
}

/**
 * Reads a pointer's range back with GetShardIterator (AT_SEQUENCE_NUMBER) and GetRecords,
 * stopping past the end sequence number. A shard or stream that is gone answers what was
 * read (nothing); a trimmed start starts the iterator at the oldest record still held, so
 * only records inside the range are kept and the caller counts the missing ones.
 */
export class KinesisRangeReader implements StreamRangeReader {
  readonly #client: KinesisClient;
  readonly #maxCalls: number;

  constructor(options: KinesisRangeReaderOptions) {
    this.#client = options.client;
    this.#maxCalls = options.maxCalls ?? 100;
  }

  async read(range: StreamRange): Promise<RangeRecord[]> {
    const start = BigInt(range.startSequenceNumber);
    const end = BigInt(range.endSequenceNumber);
    const out: RangeRecord[] = [];
    let iterator: string | undefined;
    try {
      iterator = (
        await this.#client.send(
          new GetShardIteratorCommand({
            StreamName: streamNameOf(range.streamArn),
            ShardId: range.shardId,
            ShardIteratorType: 'AT_SEQUENCE_NUMBER',
            StartingSequenceNumber: range.startSequenceNumber,
          }),
        )
      ).ShardIterator;
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return out;
      throw error;
    }
    for (let call = 0; iterator !== undefined && call < this.#maxCalls; call += 1) {
      let page: Awaited<ReturnType<typeof this.getRecords>>;
      try {
        page = await this.getRecords(iterator);
      } catch (error) {
        if (error instanceof ExpiredIteratorException) break;
        throw error;
      }
      for (const r of page.Records ?? []) {
        const seq = BigInt(r.SequenceNumber ?? '0');
        if (seq > end) return out;
        if (seq < start) continue;
        out.push({
          sequenceNumber: r.SequenceNumber ?? '',
          partitionKey: r.PartitionKey ?? '',
          data: r.Data ?? new Uint8Array(),
          arrivedAt: r.ApproximateArrivalTimestamp ?? new Date(0),
        });
      }
      // At the tip of the shard: nothing later exists yet, so the range is complete.
      if ((page.Records ?? []).length === 0 && page.MillisBehindLatest === 0) break;
      iterator = page.NextShardIterator;
    }
    return out;
  }

  private getRecords(iterator: string) {
    return this.#client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
  }
}
