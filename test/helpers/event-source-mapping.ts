/**
 * A Lambda Kinesis event source mapping, simulated over a real stream (kinesalite) for the
 * processor's at-least-once tests: per shard in order (parallelization factor 1), batches
 * of up to `batchSize` read from the last checkpoint, ReportBatchItemFailures (the batch is
 * retried from the lowest failed record), bisect-on-error for a thrown error (halves retried
 * on their own; splitting does not count as a retry, as on AWS), `retryAttempts` retries,
 * then the range's pointer to the on-failure destination in the shape Lambda writes it
 * (`KinesisBatchInfo`), and the checkpoint moves past the batch.
 */
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  type _Record as KinesisRecord,
} from '@aws-sdk/client-kinesis';
import type {
  KinesisStreamBatchResponse,
  KinesisStreamEvent,
  KinesisStreamRecord,
} from 'aws-lambda';
import { streamNameOf } from '#adapters/aws/kinesis-range-reader.ts';

export interface MappingOptions {
  readonly client: KinesisClient;
  readonly streamArn: string;
  readonly shardIds: readonly string[];
  /** The function under test (the processor's, without middy). */
  readonly handler: (event: KinesisStreamEvent) => Promise<KinesisStreamBatchResponse>;
  /** @default 100 */
  readonly batchSize?: number;
  /** @default 10000 */
  readonly retryAttempts?: number;
  /** The on-failure destination (an SQS queue on AWS): receives the pointer message body. */
  readonly onFailure: (body: string) => void;
  /** Called before each invocation (a test advances its clock here). */
  readonly beforeInvoke?: () => void;
}

export interface MappingStats {
  invocations: number;
  retries: number;
  bisections: number;
  pointers: number;
}

const asEventRecord = (
  streamArn: string,
  shardId: string,
  r: KinesisRecord,
): KinesisStreamRecord => ({
  kinesis: {
    kinesisSchemaVersion: '1.0',
    partitionKey: r.PartitionKey ?? '',
    sequenceNumber: r.SequenceNumber ?? '',
    data: Buffer.from(r.Data ?? new Uint8Array()).toString('base64'),
    approximateArrivalTimestamp: (r.ApproximateArrivalTimestamp?.getTime() ?? 0) / 1000,
  },
  eventSource: 'aws:kinesis',
  eventVersion: '1.0',
  eventID: `${shardId}:${r.SequenceNumber}`,
  eventName: 'aws:kinesis:record',
  invokeIdentityArn: 'arn:aws:iam::111122223333:role/processor',
  awsRegion: 'eu-west-1',
  eventSourceARN: streamArn,
});

/** Delivers everything on the stream until every shard is read to its end; answers counts. */
export const drainStream = async (options: MappingOptions): Promise<MappingStats> => {
  const stats: MappingStats = { invocations: 0, retries: 0, bisections: 0, pointers: 0 };
  const batchSize = options.batchSize ?? 100;
  const retryAttempts = options.retryAttempts ?? 10_000;

  const pointer = (shardId: string, batch: readonly KinesisStreamRecord[], invokes: number) => {
    stats.pointers += 1;
    const first = batch[0];
    const last = batch.at(-1);
    options.onFailure(
      JSON.stringify({
        requestContext: {
          requestId: `req-${stats.pointers}`,
          functionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:processor',
          condition: 'RetryAttemptsExhausted',
          approximateInvokeCount: invokes,
        },
        responseContext: {
          statusCode: 200,
          executedVersion: '$LATEST',
          functionError: 'Unhandled',
        },
        version: '1.0',
        timestamp: new Date().toISOString(),
        KinesisBatchInfo: {
          shardId,
          startSequenceNumber: first?.kinesis.sequenceNumber,
          endSequenceNumber: last?.kinesis.sequenceNumber,
          approximateArrivalOfFirstRecord: new Date(
            (first?.kinesis.approximateArrivalTimestamp ?? 0) * 1000,
          ).toISOString(),
          approximateArrivalOfLastRecord: new Date(
            (last?.kinesis.approximateArrivalTimestamp ?? 0) * 1000,
          ).toISOString(),
          batchSize: batch.length,
          streamArn: options.streamArn,
        },
      }),
    );
  };

  /** Settles one batch: done, or its failing rest sent to the failure destination. */
  const deliver = async (shardId: string, batch: readonly KinesisStreamRecord[]): Promise<void> => {
    let pending = batch;
    let retries = 0;
    while (pending.length > 0) {
      options.beforeInvoke?.();
      stats.invocations += 1;
      let response: KinesisStreamBatchResponse | undefined;
      try {
        response = await options.handler({ Records: [...pending] });
      } catch {
        if (pending.length > 1) {
          stats.bisections += 1;
          const half = Math.ceil(pending.length / 2);
          await deliver(shardId, pending.slice(0, half));
          await deliver(shardId, pending.slice(half));
          return;
        }
        response = {
          batchItemFailures: [{ itemIdentifier: pending[0]?.kinesis.sequenceNumber ?? '' }],
        };
      }
      const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
      const from = pending.findIndex((r) => failed.has(r.kinesis.sequenceNumber));
      if (from < 0) return;
      pending = pending.slice(from);
      retries += 1;
      stats.retries += 1;
      if (retries > retryAttempts) {
        pointer(shardId, pending, retries);
        return;
      }
    }
  };

  const drainShard = async (shardId: string): Promise<void> => {
    let checkpoint: string | undefined;
    for (;;) {
      const iterator = (
        await options.client.send(
          new GetShardIteratorCommand({
            StreamName: streamNameOf(options.streamArn),
            ShardId: shardId,
            ...(checkpoint === undefined
              ? { ShardIteratorType: 'TRIM_HORIZON' }
              : { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: checkpoint }),
          }),
        )
      ).ShardIterator;
      const page = await options.client.send(
        new GetRecordsCommand({ ShardIterator: iterator, Limit: batchSize }),
      );
      const records = page.Records ?? [];
      if (records.length === 0) return;
      await deliver(
        shardId,
        records.map((r) => asEventRecord(options.streamArn, shardId, r)),
      );
      checkpoint = records.at(-1)?.SequenceNumber;
    }
  };

  await Promise.all(options.shardIds.map(drainShard));
  return stats;
};
