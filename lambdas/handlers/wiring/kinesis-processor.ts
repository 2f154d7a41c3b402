import type {
  KinesisStreamBatchItemFailure,
  KinesisStreamBatchResponse,
  KinesisStreamEvent,
  KinesisStreamRecord,
} from 'aws-lambda';
import type { IntakeEnvelope } from '#core/events/envelope.ts';
import type { EnvelopeOutcome } from '#core/pipeline/outcome.ts';
import { processBatch } from '#core/pipeline/process-batch.ts';
import type { ProcessorDeps } from '#ports/pipeline-deps.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });

const isEnvelope = (value: unknown): value is IntakeEnvelope => {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    v.v === 1 &&
    typeof v.route === 'string' &&
    typeof v.request_id === 'string' &&
    typeof v.received_at === 'string' &&
    'payload' in v &&
    (v.lane === undefined || typeof v.lane === 'string')
  );
};

/**
 * One Kinesis record as the envelope API Gateway put on the stream. Data that is not an
 * envelope (not UTF-8, not JSON, wrong shape) still becomes an envelope whose payload is the
 * raw text, so the processor writes a `rejected` record and quarantines it: nothing is
 * dropped silently. Bytes that are not UTF-8 are kept as their base64 text.
 */
export const decodeKinesisRecord = (record: KinesisStreamRecord): IntakeEnvelope => {
  const bytes = Buffer.from(record.kinesis.data, 'base64');
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    text = record.kinesis.data;
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (isEnvelope(parsed)) return parsed;
  } catch {
    // not JSON: rejected below with the raw text
  }
  return {
    v: 1,
    route: 'kinesis',
    request_id: `kinesis:${record.eventID}`,
    received_at: new Date(record.kinesis.approximateArrivalTimestamp * 1000).toISOString(),
    payload: text,
  };
};

/** Called with every batch's outcomes (the handler counts them as metrics). */
export type OutcomeObserver = (outcomes: readonly EnvelopeOutcome[]) => void;

/**
 * The processor Lambda's function: Kinesis batch → envelopes → processBatch → partial
 * batch response.
 *
 * Why not Powertools' BatchProcessor: it calls a handler per record, while the chain needs
 * the whole batch at once. processBatch groups the batch by chain and appends each chain's
 * records in order with one conditional DynamoDB transaction (up to 100 items) instead of
 * one per record, and it alone knows that after a failed record every later record of the
 * same chain must fail too (a later one must never take the seq the earlier one should
 * have). We keep Powertools' response contract: `batchItemFailures` names every failed
 * record by sequence number; Lambda resumes the shard from the lowest one, so the failed
 * record and everything after it on the shard is redelivered, and the records after it
 * that were recorded come back as duplicates (idempotent by event_id). A thrown error
 * (ledger unreachable) fails the whole batch, which the event source mapping retries and
 * bisects. `deps` may be a getter (the sealer reads its secret from the body-key table on first
 * use): a failed read fails that batch loudly, and the next batch tries again.
 */
export const createProcessor =
  (deps: ProcessorDeps | (() => Promise<ProcessorDeps>), observe?: OutcomeObserver) =>
  async (event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse> => {
    const records = event.Records;
    const outcomes = await processBatch(
      records.map(decodeKinesisRecord),
      typeof deps === 'function' ? await deps() : deps,
    );
    observe?.(outcomes);
    const batchItemFailures: KinesisStreamBatchItemFailure[] = [];
    outcomes.forEach((outcome, i) => {
      const record = records[i];
      if (outcome.status === 'failed' && record) {
        batchItemFailures.push({ itemIdentifier: record.kinesis.sequenceNumber });
      }
    });
    return { batchItemFailures };
  };
