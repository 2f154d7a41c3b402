/**
 * The policy-change record on AWS: cold starts find the last recorded change through the
 * pointer item beside the admin chain (one GetItem), never by reading the chain, and
 * however many start at once with a new policy, exactly one `policy.change` record is
 * written, also when a start stops between the append and the pointer's move.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoLedger } from '#adapters/aws/dynamo-ledger.ts';
import { dynamoPolicyPointer } from '#adapters/aws/dynamo-policy-pointer.ts';
import { ADMIN_CHAIN, type AdminBody, adminRecords } from '#core/admin/admin-chain.ts';
import { recordPolicyInForce } from '#core/admin/policy-change.ts';
import type { PolicyPointerPort } from '#ports/policy-pointer.ts';
import { MemoryArchive } from '#test/helpers/archive-builder.ts';
import { collect } from '#test/helpers/collect.ts';
import {
  createLedgerTable,
  type DynamoDbLocal,
  startDynamoDbLocal,
} from '#test/helpers/dynamodb-local.ts';

let db: DynamoDbLocal;

beforeAll(async () => {
  db = await startDynamoDbLocal();
}, 120_000);

afterAll(async () => db?.stop());

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const C = 'c'.repeat(64);
const actor = { key_id: 'aws:processor', tenant: 'default' };
const clock = { now: () => new Date('2026-12-05T00:00:00Z') };

/** A table, and what one Lambda builds at a cold start over it (its own ledger and
 * pointer); `reads` counts the admin-chain reads of more than one record the starts make
 * (archiving reads just the record appended). */
const world = async () => {
  const table = `ledger-${randomUUID()}`;
  await createLedgerTable(db.client, table);
  const archive = new MemoryArchive();
  let reads = 0;
  const coldStart = (version: string, pointer?: PolicyPointerPort) => {
    const ledger = new DynamoLedger({ client: db.client, table });
    const counted = new Proxy(ledger, {
      get(target, name) {
        if (name === 'range') {
          return (chain: string, from: number, to: number) => {
            if (chain === ADMIN_CHAIN && to > from) reads++;
            return target.range(chain, from, to);
          };
        }
        const value = Reflect.get(target, name, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    return recordPolicyInForce(
      { name: 'loans-policy', version, source: 'the stack policyFile' },
      actor,
      { ledger: counted, archive, clock },
      pointer ?? dynamoPolicyPointer({ client: db.client, table, chain: ADMIN_CHAIN }),
    );
  };
  const changes = async () =>
    (await collect(adminRecords(new DynamoLedger({ client: db.client, table })))).map((r) => ({
      seq: r.seq,
      before: (r.body as AdminBody).before_sha256,
      after: (r.body as AdminBody).after_sha256,
    }));
  const pointer = () =>
    dynamoPolicyPointer({ client: db.client, table, chain: ADMIN_CHAIN }).read();
  return { table, coldStart, changes, pointer, reads: () => reads };
};

describe('the policy-change record on DynamoDB Local', () => {
  it('is written once per change however many Lambdas cold-start at once', async () => {
    // Prepare
    const w = await world();

    // Act: eight instances start with policy A, then eight with B, then four with B again.
    const firstWave = await Promise.all(Array.from({ length: 8 }, () => w.coldStart(A)));
    const secondWave = await Promise.all(Array.from({ length: 8 }, () => w.coldStart(B)));
    const thirdWave = await Promise.all(Array.from({ length: 4 }, () => w.coldStart(B)));

    // Assess
    expect(await w.changes()).toEqual([
      { seq: 0, before: null, after: A },
      { seq: 1, before: A, after: B },
    ]);
    expect(firstWave.filter((r) => r !== undefined)).toHaveLength(1);
    expect(secondWave.filter((r) => r !== undefined)).toHaveLength(1);
    expect(thirdWave.filter((r) => r !== undefined)).toHaveLength(0);
    expect(await w.pointer()).toEqual({ version: B, seq: 1 });
    // The last change came from the pointer, never from reading the chain.
    expect(w.reads()).toBe(0);
  });

  it('records a change once when a start stops between the append and the pointer', async () => {
    // Prepare: A recorded; then one instance appends C and stops before moving the pointer.
    const w = await world();
    await w.coldStart(A);
    const stopping: PolicyPointerPort = {
      read: () => w.pointer(),
      advance: () => Promise.reject(new Error('stopped')),
    };
    await expect(w.coldStart(C, stopping)).rejects.toThrow('stopped');
    expect(await w.pointer()).toEqual({ version: A, seq: 0 });

    // Act: five instances start with C at once.
    const restarts = await Promise.all(Array.from({ length: 5 }, () => w.coldStart(C)));

    // Assess: the change is on the chain once, and the pointer caught up.
    expect(restarts.filter((r) => r !== undefined)).toHaveLength(0);
    expect(await w.changes()).toEqual([
      { seq: 0, before: null, after: A },
      { seq: 1, before: A, after: C },
    ]);
    expect(await w.pointer()).toEqual({ version: C, seq: 1 });
  });

  it('moves the pointer only from where it was read', async () => {
    // Prepare: A, then B recorded; a writer read the pointer while it still named A.
    const w = await world();
    await w.coldStart(A);
    const stale = await w.pointer();
    await w.coldStart(B);
    const pointer = dynamoPolicyPointer({ client: db.client, table: w.table, chain: ADMIN_CHAIN });

    // Act
    const fromStale = await pointer.advance(stale, { version: C, seq: 7 });
    const fromNone = await pointer.advance(undefined, { version: C, seq: 7 });

    // Assess
    expect(stale).toEqual({ version: A, seq: 0 });
    expect([fromStale, fromNone]).toEqual([false, false]);
    expect(await w.pointer()).toEqual({ version: B, seq: 1 });
  });
});
