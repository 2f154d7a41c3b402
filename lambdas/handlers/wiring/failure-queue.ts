import type {
  KinesisStreamRecord,
  SQSBatchItemFailure,
  SQSBatchResponse,
  SQSEvent,
} from 'aws-lambda';
import { alwaysGiveUp } from '#core/pipeline/give-up.ts';
import { recordLostRange } from '#core/pipeline/lost-range.ts';
import type { EnvelopeOutcome } from '#core/pipeline/outcome.ts';
import { processBatch } from '#core/pipeline/process-batch.ts';
import type { ProcessorDeps } from '#ports/pipeline-deps.ts';
import type { RangeRecord, StreamRange, StreamRangeReader } from '#ports/stream-range.ts';
import { decodeKinesisRecord } from './kinesis-processor.ts';

export interface FailureQueueDeps extends ProcessorDeps {
  readonly reader: StreamRangeReader;
}

/** The pointer Lambda's Kinesis on-failure destination writes, or undefined. */
export const parsePointer = (text: string): (StreamRange & { at: string }) | undefined => {
  try {
    const message = JSON.parse(text) as {
      timestamp?: unknown;
      KinesisBatchInfo?: Record<string, unknown>;
    };
    const info = message.KinesisBatchInfo;
    if (
      typeof info?.streamArn !== 'string' ||
      typeof info.shardId !== 'string' ||
      typeof info.startSequenceNumber !== 'string' ||
      typeof info.endSequenceNumber !== 'string' ||
      typeof info.batchSize !== 'number'
    ) {
      return undefined;
    }
    return {
      streamArn: info.streamArn,
      shardId: info.shardId,
      startSequenceNumber: info.startSequenceNumber,
      endSequenceNumber: info.endSequenceNumber,
      batchSize: info.batchSize,
      at: typeof message.timestamp === 'string' ? message.timestamp : new Date(0).toISOString(),
    };
  } catch {
    return undefined;
  }
};

/** A record read back, in the shape the event source mapping delivers it. */
const asKinesisRecord = (range: StreamRange, r: RangeRecord): KinesisStreamRecord => ({
  kinesis: {
    kinesisSchemaVersion: '1.0',
    partitionKey: r.partitionKey,
    sequenceNumber: r.sequenceNumber,
    data: Buffer.from(r.data).toString('base64'),
    approximateArrivalTimestamp: r.arrivedAt.getTime() / 1000,
  },
  eventSource: 'aws:kinesis',
  eventVersion: '1.0',
  eventID: `${range.shardId}:${r.sequenceNumber}`,
  eventName: 'aws:kinesis:record',
  invokeIdentityArn: '',
  awsRegion: '',
  eventSourceARN: range.streamArn,
});

/** Called with each message's outcomes (the handler counts them as metrics). */
export type RedriveObserver = (outcomes: readonly EnvelopeOutcome[], lost: number) => void;

/**
 * The failure-queue consumer: for each pointer the event source mapping gave up on, reads
 * the range back while the stream still holds it and runs the processor over it with
 * give-up at once (the stream already retried it), so each event ends as its record or a
 * `rejected` one with its bytes quarantined. Records the stream no longer holds, and
 * messages that are no pointer, become one `rejected` record on the governance chain that
 * quarantines the message. A message whose events cannot be written now (the ledger is
 * down) is reported failed and comes back after the queue's visibility timeout.
 */
export const createFailureQueueConsumer =
  (deps: FailureQueueDeps, observe?: RedriveObserver) =>
  async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const batchItemFailures: SQSBatchItemFailure[] = [];
    for (const message of event.Records) {
      try {
        await redrive(message.messageId, message.body, deps, observe);
      } catch (error) {
        deps.log.error('failure-queue message not redriven; it will come back', {
          message_id: message.messageId,
          error: error instanceof Error ? error.message : String(error),
        });
        batchItemFailures.push({ itemIdentifier: message.messageId });
      }
    }
    return { batchItemFailures };
  };

const redrive = async (
  messageId: string,
  body: string,
  deps: FailureQueueDeps,
  observe?: RedriveObserver,
): Promise<void> => {
  const pointer = parsePointer(body);
  if (pointer === undefined) {
    await recordLostRange(
      {
        id: `message:${messageId}`,
        message: body,
        at: deps.clock.now().toISOString(),
        reason: 'failure-queue message is not a Kinesis batch pointer; kept as received',
      },
      deps,
    );
    observe?.([], 0);
    return;
  }
  const records = await deps.reader.read(pointer);
  const outcomes = await processBatch(
    records.map((r) => decodeKinesisRecord(asKinesisRecord(pointer, r))),
    { ...deps, giveUp: alwaysGiveUp },
  );
  const failed = outcomes.filter((o) => o.status === 'failed');
  if (failed.length > 0)
    throw new Error(`${failed.length} record(s) not written: ${failed[0]?.error}`);
  const lost = Math.max(0, pointer.batchSize - records.length);
  if (lost > 0) {
    await recordLostRange(
      {
        id: `${pointer.shardId}:${pointer.startSequenceNumber}-${pointer.endSequenceNumber}`,
        message: body,
        at: pointer.at,
        reason: `${lost} of ${pointer.batchSize} records of ${pointer.shardId} ${pointer.startSequenceNumber}..${pointer.endSequenceNumber} were no longer held by the stream`,
      },
      deps,
    );
  }
  deps.log.info('failure-queue pointer redriven', {
    shard: pointer.shardId,
    records: records.length,
    lost,
  });
  observe?.(outcomes, lost);
};
