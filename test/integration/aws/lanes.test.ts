import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoLedger } from '#adapters/aws/dynamo-ledger.ts';
import { S3Archive } from '#adapters/aws/s3-archive.ts';
import { laneOf, lanePlan } from '#core/events/lanes.ts';
import { chainOf, withLane } from '#core/pipeline/chain-of.ts';
import { processBatch } from '#core/pipeline/process-batch.ts';
import { collect } from '#test/helpers/collect.ts';
import {
  createLedgerTable,
  type DynamoDbLocal,
  startDynamoDbLocal,
} from '#test/helpers/dynamodb-local.ts';
import { type LocalS3, startS3rver } from '#test/helpers/s3rver.ts';
import { decisionEnvelope, processorDeps } from './support.ts';

// Lanes on the AWS ledger: each lane its own chain (its own partition), and the event-id
// index shared by all, so a redelivery naming another lane is still recorded once.
let db: DynamoDbLocal;
let s3: LocalS3;
beforeAll(async () => {
  [db, s3] = await Promise.all([startDynamoDbLocal(), startS3rver(['archive'])]);
});
afterAll(async () => {
  await Promise.all([db?.stop(), s3?.stop()]);
});

const plan = lanePlan({ hot: 3 });
const laned = (id: string) => withLane(decisionEnvelope(id, 'hot'), id, plan);

describe('lanes on DynamoDB Local', () => {
  it('chain each event on its lane and record a redelivery once, whatever lane it names', async () => {
    const table = `ledger-${randomUUID()}`;
    await createLedgerTable(db.client, table);
    const archive = new S3Archive({ client: s3.client, bucket: 'archive', prefix: table });
    const ledger = new DynamoLedger({ client: db.client, table, bodyStore: archive });
    const deps = processorDeps(ledger, archive);
    const ids = Array.from({ length: 12 }, (_, i) => `d-${i}`);

    await processBatch(ids.map(laned), deps);
    const id = ids[0] as string;
    const elsewhere = { ...laned(id), lane: String((laneOf(id, 3) + 1) % 3) };
    expect(chainOf(elsewhere)).not.toBe(chainOf(laned(id)));
    await processBatch([elsewhere, laned(ids[1] as string)], deps);

    expect((await collect(ledger.chains())).sort()).toEqual(['hot~0', 'hot~1', 'hot~2']);
    let records = 0;
    for (const chain of ['hot~0', 'hot~1', 'hot~2']) records += (await ledger.head(chain)).seq + 1;
    expect(records).toBe(ids.length);
    const where = await ledger.locate(ids);
    for (const each of ids) expect(where.get(each)?.chain).toBe(`hot~${laneOf(each, 3)}`);
  });
});
