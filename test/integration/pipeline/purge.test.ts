/**
 * The purge on the local adapters: erasure by event id of a user's record keeps that user's
 * other bodies readable, a hold released later lets the body go on the next run, and the
 * WAL keeps no event bytes once all is processed.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openFileBodyKeys } from '#adapters/local/file-body-keys.ts';
import { Wal } from '#adapters/local/wal.ts';
import type { LedgerRecord } from '#core/chain/record.ts';
import { processBatch } from '#core/pipeline/process-batch.ts';
import { createBodySealer } from '#core/retention/body-sealer.ts';
import {
  createHold,
  type GovernanceDeps,
  releaseHold,
  requestErasure,
} from '#core/retention/governance.ts';
import { openRecord } from '#core/retention/open-record.ts';
import { type PurgeDeps, runPurge } from '#core/retention/purge.ts';
import { DEFAULT_RETENTION_RULES } from '#core/retention/rules.ts';
import { collect } from '#test/helpers/collect.ts';
import { silentLog } from '#test/helpers/silent-log.ts';
import { envelope, type Harness, openHarness } from './harness.ts';

let h: Harness;
let purgeDeps: PurgeDeps;
let gov: GovernanceDeps;
const when = new Date('2026-11-23T12:00:00Z');

const log = (id: string, user: string) => ({
  application_id: 'app',
  decision_id: id,
  output: { decision: 'approve' },
  metadata: { user_id: user },
});

const bodies = async (): Promise<Map<string, unknown>> => {
  const out = new Map<string, unknown>();
  const head = await h.deps.ledger.head('app');
  for (const r of await collect(h.deps.ledger.range('app', 0, head.seq))) {
    if (r.kind === 'decision') out.set(r.event_id, (await openRecord(r, purgeDeps.keys)).body);
  }
  return out;
};

beforeEach(async () => {
  h = await openHarness();
  const keys = await openFileBodyKeys(join(h.dir, 'keys'));
  const sealer = await createBodySealer(DEFAULT_RETENTION_RULES, keys);
  (h.deps as { sealer?: unknown }).sealer = sealer;
  purgeDeps = { ...h.deps, keys, log: silentLog };
  gov = { ...h.deps, subjects: sealer.subjects };
  await processBatch(
    [log('d1', 'ann'), log('d2', 'ann'), log('d3', 'bob')].map((p) => envelope(p)),
    h.deps,
  );
});
afterEach(() => h.close());

describe('purge on the local adapters', () => {
  it('erases one event of a user and keeps the user’s other bodies', async () => {
    await requestErasure({ event_ids: ['d1'], reason: 'one record' }, gov);
    const report = await runPurge({ now: when }, purgeDeps);
    expect(report.purged).toBe(1);
    const after = await bodies();
    expect(after.get('d1')).toBeUndefined();
    expect(after.get('d2')).toMatchObject({ decision_id: 'd2' });
    expect(after.get('d3')).toMatchObject({ decision_id: 'd3' });
    expect((await runPurge({ now: when }, purgeDeps)).purged).toBe(0);
  });

  it('keeps a held body through an erasure and lets it go once the hold is released', async () => {
    const hold = await createHold(
      { scope: { user_id: 'bob' }, case_id: 'c-1', reason: 'dispute' },
      gov,
    );
    await requestErasure({ user_id: 'bob', reason: 'art. 17' }, gov);
    const first = await runPurge({ now: when }, purgeDeps);
    expect(first.purged).toBe(0);
    expect(first.held[hold.hold_id]).toBe(1);
    expect((await bodies()).get('d3')).toMatchObject({ decision_id: 'd3' });

    await releaseHold(hold.hold_id, gov);
    const second = await runPurge({ now: when }, purgeDeps);
    expect(second.purged).toBe(1);
    expect((await bodies()).get('d3')).toBeUndefined();
  });

  it('a dry run reports and changes nothing', async () => {
    const later = new Date('2040-01-01T00:00:00Z');
    const dry = await runPurge({ now: later, dryRun: true }, purgeDeps);
    expect(dry.purged).toBe(3);
    expect(dry.keys_destroyed).toBe(0);
    expect([...(await bodies()).values()].every((b) => b !== undefined)).toBe(true);
    const head = await h.deps.ledger.head('app');
    const kinds = (await collect(h.deps.ledger.range('app', 0, head.seq))).map(
      (r: LedgerRecord) => r.kind,
    );
    expect(kinds).not.toContain('purge');
  });
});

describe('WAL', () => {
  it('drops its segments once everything appended is committed, not before', async () => {
    const dir = join(h.dir, 'wal');
    await import('node:fs/promises').then((fs) => fs.mkdir(dir));
    const { wal } = await Wal.open(dir, 1024 * 1024);
    const e = envelope(log('w1', 'ann'));
    await wal.append([{ n: 0, k: 'app', e }]);
    expect(await wal.dropConsumed()).toBe(false);
    await wal.commit(1);
    expect(await wal.dropConsumed()).toBe(true);
    expect((await readdir(dir)).filter((f) => f.startsWith('wal-'))).toEqual([]);
    await wal.append([{ n: 1, k: 'app', e }]);
    expect((await readdir(dir)).filter((f) => f.startsWith('wal-'))).toHaveLength(1);
    await wal.close();
  });
});
