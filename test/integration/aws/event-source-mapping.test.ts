/**
 * The processor behind a Kinesis event source mapping, as close to AWS as runs locally:
 * kinesalite (the stream), DynamoDB Local (the ledger), s3rver (the archive), the mapping's
 * batching, bisect-on-error, partial batch failures, retries and failure destination
 * simulated over them (test/helpers/event-source-mapping.ts), and the failure-queue
 * consumer reading pointers back from the stream. Whatever fails, every acknowledged
 * event (PutRecords answered it) ends as exactly one record, archived.
 */
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoLedger } from '#adapters/aws/dynamo-ledger.ts';
import { KinesisRangeReader, streamNameOf } from '#adapters/aws/kinesis-range-reader.ts';
import { S3Archive } from '#adapters/aws/s3-archive.ts';
import { checkRecord } from '#core/chain/hash.ts';
import type { LedgerRecord } from '#core/chain/record.ts';
import type { IntakeEnvelope } from '#core/events/envelope.ts';
import { giveUpAfter } from '#core/pipeline/give-up.ts';
import type { RejectionBody } from '#core/pipeline/rejection.ts';
import { GOVERNANCE_CHAIN } from '#core/retention/governance.ts';
import { createFailureQueueConsumer } from '#handlers/wiring/failure-queue.ts';
import { createProcessor } from '#handlers/wiring/kinesis-processor.ts';
import type { ArchivePort } from '#ports/archive.ts';
import type { LedgerPort } from '#ports/ledger.ts';
import type { ProcessorDeps } from '#ports/pipeline-deps.ts';
import type { PolicyEngine } from '#ports/policy-engine.ts';
import { collect } from '#test/helpers/collect.ts';
import {
  createLedgerTable,
  type DynamoDbLocal,
  startDynamoDbLocal,
} from '#test/helpers/dynamodb-local.ts';
import { drainStream, type MappingStats } from '#test/helpers/event-source-mapping.ts';
import { type LocalKinesis, startKinesalite } from '#test/helpers/kinesalite.ts';
import { type LocalS3, startS3rver } from '#test/helpers/s3rver.ts';
import { decisionEnvelope, processorDeps } from './support.ts';

let kinesis: LocalKinesis;
let db: DynamoDbLocal;
let s3: LocalS3;
const BUCKET = 'archive';
const CHAINS = ['loans', 'triage'];
let scenario = 0;

beforeAll(async () => {
  [kinesis, db, s3] = await Promise.all([
    startKinesalite(),
    startDynamoDbLocal(),
    startS3rver([BUCKET]),
  ]);
});

afterAll(async () => {
  await Promise.all([kinesis?.stop(), db?.stop(), s3?.stop()]);
});

/** A policy that always throws on one decision (a detector that cannot run on it). */
const poisonedBy = (poison: string): PolicyEngine => ({
  version: 'p1',
  evaluate: (event) => {
    if (event.event_id === poison) throw new Error('detector timed out on this event');
    return { result: { version: 'p1', decision: 'pass', findings: [] }, body: event.body };
  },
});

interface World {
  readonly deps: ProcessorDeps;
  readonly streamArn: string;
  readonly shardIds: string[];
  readonly pointers: string[];
  /** What PutRecords acknowledged. */
  readonly acknowledged: IntakeEnvelope[];
}

/** A fresh stream, table and archive prefix with `perChain` events per chain on the stream. */
const world = async (perChain: number, poison?: string): Promise<World> => {
  scenario += 1;
  const table = `ledger-${scenario}`;
  await createLedgerTable(db.client, table, { chainsIndex: 'chains' });
  const archive = new S3Archive({ client: s3.client, bucket: BUCKET, prefix: `s${scenario}/` });
  const deps = {
    ...processorDeps(
      new DynamoLedger({ client: db.client, table, chainsIndex: 'chains' }),
      archive,
    ),
    ...(poison === undefined ? {} : { policy: poisonedBy(poison) }),
  };
  const { arn, shards } = await kinesis.createStream(`events-${scenario}`, 2);
  const envelopes = CHAINS.flatMap((chain) =>
    Array.from({ length: perChain }, (_, i) => decisionEnvelope(`${chain}-${i}`, chain)),
  );
  if (poison !== undefined) envelopes.splice(3, 0, decisionEnvelope(poison, 'loans'));
  const out = await kinesis.client.send(
    new PutRecordsCommand({
      StreamName: `events-${scenario}`,
      Records: envelopes.map((e) => ({
        Data: Buffer.from(JSON.stringify(e)),
        PartitionKey: (e.payload as { application_id: string }).application_id,
      })),
    }),
  );
  const acknowledged = envelopes.filter((_, i) => out.Records?.[i]?.SequenceNumber !== undefined);
  return {
    deps,
    streamArn: arn,
    shardIds: shards.map((s) => s.ShardId ?? ''),
    pointers: [],
    acknowledged,
  };
};

const records = async (ledger: LedgerPort, chain: string): Promise<LedgerRecord[]> => {
  const head = await ledger.head(chain);
  return head.seq < 0 ? [] : collect(ledger.range(chain, 0, head.seq));
};

const archivedCount = async (archive: ArchivePort, chain: string): Promise<number> => {
  let count = 0;
  for await (const key of archive.list(`chains/${chain}/segments/`)) {
    const text = new TextDecoder().decode(await archive.get(key));
    count += text.trimEnd().split('\n').length;
  }
  return count;
};

/** Every acknowledged event is exactly one well-linked, archived record: its own, or a
 * `rejected` one named after its request. Answers the rejected ones. */
const expectExactlyOnce = async (w: World, deps: ProcessorDeps = w.deps) => {
  const all: LedgerRecord[] = [];
  for (const chain of CHAINS) {
    const chainRecords = await records(deps.ledger, chain);
    chainRecords.forEach((r, i) => {
      expect(r.seq).toBe(i);
      expect(checkRecord(r).hash).toBe(true);
    });
    expect(await archivedCount(deps.archive, chain)).toBe(chainRecords.length);
    all.push(...chainRecords);
  }
  const ids = all.map((r) => r.event_id).sort();
  const expected = w.acknowledged
    .map((e) => {
      const id = (e.payload as { decision_id: string }).decision_id;
      return ids.includes(id) ? id : `rejected:${e.request_id}`;
    })
    .sort();
  expect(ids).toEqual(expected);
  return all.filter((r) => r.kind === 'rejected');
};

const drain = (
  w: World,
  deps: ProcessorDeps,
  options: { retryAttempts?: number; beforeInvoke?: () => void } = {},
): Promise<MappingStats> =>
  drainStream({
    client: kinesis.client,
    streamArn: w.streamArn,
    shardIds: w.shardIds,
    handler: createProcessor(deps),
    batchSize: 10,
    onFailure: (body) => w.pointers.push(body),
    ...options,
  });

/** Delivers the failure queue's messages to the consumer until none fails (bounded). */
const drainFailureQueue = async (w: World, deps: ProcessorDeps) => {
  const consumer = createFailureQueueConsumer({
    ...deps,
    reader: new KinesisRangeReader({ client: kinesis.client }),
  });
  let queue = w.pointers.map((body, i) => ({ messageId: `m-${i}`, body }));
  for (let round = 0; queue.length > 0; round++) {
    expect(round).toBeLessThan(10);
    const out = await consumer({ Records: queue.map((m) => sqsMessage(m.messageId, m.body)) });
    const failed = new Set(out.batchItemFailures.map((f) => f.itemIdentifier));
    queue = queue.filter((m) => failed.has(m.messageId));
  }
};

const sqsMessage = (messageId: string, body: string) => ({
  messageId,
  receiptHandle: `rh-${messageId}`,
  body,
  attributes: {
    ApproximateReceiveCount: '1',
    SentTimestamp: '0',
    SenderId: 'lambda',
    ApproximateFirstReceiveTimestamp: '0',
  },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:eu-west-1:111122223333:failures',
  awsRegion: 'eu-west-1',
});

describe('event source mapping over kinesalite, DynamoDB Local and s3rver', () => {
  it('a poison record is retried, then given up on as a rejected record, and its chain moves on', async () => {
    // Prepare: the clock moves 10 minutes per invocation; give up after an hour
    const w = await world(12, 'poison');
    let now = Date.parse('2025-02-03T04:05:07.000Z');
    const clock = { now: () => new Date(now) };
    const deps = { ...w.deps, clock, giveUp: giveUpAfter(3600, clock) };
    // Act
    const stats = await drain(w, deps, { beforeInvoke: () => (now += 600_000) });
    // Assess: retried (not dropped at once), no pointer, one rejected record for the poison
    expect(stats.retries).toBeGreaterThan(0);
    expect(w.pointers).toEqual([]);
    const rejected = await expectExactlyOnce(w, deps);
    expect(rejected.map((r) => r.event_id)).toEqual(['rejected:req-poison']);
    const body = rejected[0]?.body as RejectionBody;
    expect(body.problems[0]?.message).toContain('detector timed out');
    expect(await deps.archive.get(body.quarantine_key)).toBeDefined();
  });

  it('what the stream gives up on is read back by the failure-queue consumer, even twice', async () => {
    // Prepare: the processor would wait longer than the mapping's retry budget
    const w = await world(12, 'poison');
    // Act
    const stats = await drain(w, w.deps, { retryAttempts: 2 });
    expect(stats.pointers).toBeGreaterThan(0);
    await drainFailureQueue(w, w.deps);
    await drainFailureQueue(w, w.deps); // SQS is at-least-once too
    // Assess
    const rejected = await expectExactlyOnce(w);
    expect(rejected.map((r) => r.event_id)).toEqual(['rejected:req-poison']);
  });

  it('a throttled table delays records but loses and duplicates none', async () => {
    // Prepare: two of every three appends throttled for the first 30
    const w = await world(15);
    let appends = 0;
    let throttles = 0;
    const throttled: LedgerPort = new Proxy(w.deps.ledger, {
      get: (target, name, receiver) => {
        const value = Reflect.get(target, name, receiver);
        if (name !== 'append') return typeof value === 'function' ? value.bind(target) : value;
        return async (...args: Parameters<LedgerPort['append']>) => {
          appends += 1;
          if (appends <= 30 && appends % 3 !== 0) {
            throttles += 1;
            throw Object.assign(new Error('Rate of requests exceeds the allowed throughput'), {
              name: 'ProvisionedThroughputExceededException',
            });
          }
          return target.append(...args);
        };
      },
    });
    const deps = { ...w.deps, ledger: throttled };
    // Act
    const stats = await drain(w, deps);
    // Assess
    // How many appends a drain takes depends on how the mapping batches (load); that some
    // were throttled and all still land exactly once does not.
    expect(throttles).toBeGreaterThan(0);
    expect(stats.retries + stats.bisections).toBeGreaterThan(0);
    expect(w.pointers).toEqual([]);
    expect(await expectExactlyOnce(w, deps)).toEqual([]);
  });

  it('a crash between the ledger commit and the archive write converges on one archived record each', async () => {
    // Prepare: every segment write fails the first two times it is tried (the batch, then
    // the processor's own retry of its first record), so the mapping must redeliver
    const w = await world(15);
    const tried = new Map<string, number>();
    const archive = w.deps.archive;
    const crashing: ArchivePort = {
      get: (key) => archive.get(key),
      list: (prefix) => archive.list(prefix),
      stream: (key) => archive.stream(key),
      put: async (key, bytes, options) => {
        const tries = (tried.get(key) ?? 0) + 1;
        tried.set(key, tries);
        if (key.includes('/segments/') && tries <= 2) {
          throw new Error('process killed before the archive write');
        }
        return archive.put(key, bytes, options);
      },
    };
    const deps = { ...w.deps, archive: crashing };
    // Act
    const stats = await drain(w, deps);
    // Assess
    expect(tried.size).toBeGreaterThan(0);
    expect(stats.retries + stats.bisections).toBeGreaterThan(0);
    expect(await expectExactlyOnce(w, deps)).toEqual([]);
  });

  it('records the stream no longer holds, and messages that are no pointer, are put on the record', async () => {
    // Prepare: a pointer claiming two more records than its range holds (trimmed ones)
    const w = await world(2);
    const stats = await drain(w, w.deps);
    expect(stats.pointers).toBe(0);
    const shard = w.shardIds[0] ?? '';
    const iterator = await kinesis.client.send(
      new GetShardIteratorCommand({
        StreamName: streamNameOf(w.streamArn),
        ShardId: shard,
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    const held = (
      await kinesis.client.send(new GetRecordsCommand({ ShardIterator: iterator.ShardIterator }))
    ).Records?.map((r) => ({ sequenceNumber: r.SequenceNumber }));
    if (held === undefined || held.length === 0) throw new Error('shard 0 holds no record');
    w.pointers.push(
      JSON.stringify({
        version: '1.0',
        timestamp: '2025-02-04T00:00:00.000Z',
        KinesisBatchInfo: {
          shardId: shard,
          startSequenceNumber: held[0]?.sequenceNumber,
          endSequenceNumber: held.at(-1)?.sequenceNumber,
          batchSize: held.length + 2,
          streamArn: w.streamArn,
        },
      }),
      'not a pointer',
    );
    // Act
    await drainFailureQueue(w, w.deps);
    await drainFailureQueue(w, w.deps);
    // Assess: events unchanged (duplicates), two rejected records on the governance chain
    expect(await expectExactlyOnce(w)).toEqual([]);
    const governance = await records(w.deps.ledger, GOVERNANCE_CHAIN);
    expect(governance.map((r) => r.kind)).toEqual(['rejected', 'rejected']);
    const reasons = governance.map((r) => (r.body as RejectionBody).problems[0]?.message);
    expect(reasons[0]).toMatch(/^2 of \d+ records of shardId-\d+ .* no longer held by the stream$/);
    expect(reasons[1]).toContain('not a Kinesis batch pointer');
  });
});
