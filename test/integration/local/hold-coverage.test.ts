import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFileArchive } from '#adapters/local/file-archive.ts';
import { openFileBodyKeys } from '#adapters/local/file-body-keys.ts';
import { type FileLedger, openFileLedger } from '#adapters/local/file-ledger.ts';
import type { IntakeEnvelope } from '#core/events/envelope.ts';
import { processBatch } from '#core/pipeline/process-batch.ts';
import { passThroughPolicy } from '#core/policy/engine.ts';
import { type BodySealer, createBodySealer } from '#core/retention/body-sealer.ts';
import type { Hold, HoldScope } from '#core/retention/governance.ts';
import { coveredSeqs } from '#core/retention/hold-coverage.ts';
import { coveredObjects } from '#core/retention/object-holds.ts';
import { DEFAULT_RETENTION_RULES } from '#core/retention/rules.ts';
import { removeDir, tempDir } from '#test/helpers/temp-dir.ts';

// What a legal hold covers is found through the ledger's search index: the records read
// follow what the hold covers, not the length of the chains; and the answer is the one
// reading every record gives.
let dir: string;
let ledger: FileLedger;
let sealer: BodySealer;
const archive = () => openFileArchive(join(dir, 'archive'));
const CHAINS = ['loans', 'cards', 'fraud'];
const PER_DAY = 60; // records per chain and day
const DAYS = 5;

const envelope = (chain: string, day: number, i: number): IntakeEnvelope => ({
  v: 1,
  route: 'decision_log',
  request_id: `req-${chain}-${day}-${i}`,
  received_at: '2026-11-01T00:00:00.000Z',
  payload: {
    application_id: chain,
    decision_id: `${chain}-${day}-${i}`,
    output: { decision: 'approve' },
    // ann: one record per chain and day; everyone else is one of 40 other users.
    metadata: { user_id: i === 0 ? 'ann' : `user-${i % 40}` },
  },
});

beforeAll(async () => {
  dir = await tempDir('hold-coverage-');
  ledger = await openFileLedger(join(dir, 'ledger'));
  sealer = await createBodySealer(DEFAULT_RETENTION_RULES, await openFileBodyKeys(join(dir, 'k')));
  for (let day = 0; day < DAYS; day++) {
    const at = new Date(Date.UTC(2026, 10, 1 + day, 12));
    const deps = {
      ledger,
      archive: archive(),
      policy: passThroughPolicy,
      alerts: { publish: async () => undefined },
      clock: { now: () => at },
      log: { info: () => undefined, warn: () => undefined, error: () => undefined },
      sealer,
    };
    for (const chain of CHAINS) {
      const batch = Array.from({ length: PER_DAY }, (_, i) => envelope(chain, day, i));
      await processBatch(batch, deps);
    }
  }
});
afterAll(async () => {
  await ledger?.close();
  await removeDir(dir);
});

/** The ledger, counting the records read through it (range and get) and the searches;
 * `indexed: false` hides its search index, so coverage falls back to reading every record. */
const counting = (indexed = true) => {
  const seen = { records: 0, searches: 0 };
  const wrapped = new Proxy(ledger, {
    get(target, property) {
      if (property === 'get') {
        return async (chain: string, seq: number) => {
          seen.records++;
          return target.get(chain, seq);
        };
      }
      if (property === 'range') {
        return async function* (chain: string, from: number, to: number) {
          for await (const record of target.range(chain, from, to)) {
            seen.records++;
            yield record;
          }
        };
      }
      if (property === 'search') {
        if (!indexed) return undefined;
        return (query: Parameters<FileLedger['search']>[0]) => {
          seen.searches++;
          return target.search(query);
        };
      }
      const value = Reflect.get(target, property);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { ledger: wrapped, seen };
};

/** Coverage as reading every record answers it. */
const withoutIndex = () => counting(false).ledger;

const hold = (scope: HoldScope): Hold => ({
  hold_id: 'h',
  case_id: 'c',
  reason: 'r',
  scope,
  created_at: '2026-12-01T00:00:00.000Z',
  record: { chain: '_governance', seq: 0 },
});

const sorted = (coverage: Awaited<ReturnType<typeof coveredSeqs>>) =>
  [...coverage]
    .map(([chain, seqs]) => [chain, seqs === 'all' ? 'all' : [...seqs].sort((a, b) => a - b)])
    .sort();

const TOTAL = CHAINS.length * PER_DAY * DAYS;

describe('what a legal hold covers, through the search index', () => {
  it('a hold by user reads no record: its subject term names them', async () => {
    // Prepare
    const scope = { subject: sealer.subjects.of('ann') };
    const { ledger: counted, seen } = counting();

    // Act
    const byIndex = await coveredSeqs([hold(scope)], counted);
    const whole = await coveredSeqs([hold(scope)], withoutIndex());

    // Assess: ann's 15 records (one per chain and day), found with no record read
    expect(sorted(byIndex)).toEqual(sorted(whole));
    expect([...byIndex.values()].reduce((n, s) => n + (s === 'all' ? 0 : s.size), 0)).toBe(
      CHAINS.length * DAYS,
    );
    expect(seen.records).toBe(0);
    expect(seen.searches).toBe(1);
  });

  it('a hold by time range queries each chain within the range only', async () => {
    const scope = { from: '2026-11-03T00:00:00.000Z', to: '2026-11-03T23:59:59.999Z' };
    const { ledger: counted, seen } = counting();

    const byIndex = await coveredSeqs([hold(scope)], counted);
    const whole = await coveredSeqs([hold(scope)], withoutIndex());

    expect(sorted(byIndex)).toEqual(sorted(whole));
    expect([...byIndex.values()].reduce((n, s) => n + (s === 'all' ? 0 : s.size), 0)).toBe(
      CHAINS.length * PER_DAY,
    );
    expect(seen.records).toBe(0);
  });

  it('a hold by event ids reads only those records, and only when a bound needs them', async () => {
    const ids = ['loans-1-5', 'cards-4-7', 'fraud-2-9'];
    const bounded = { event_ids: ids, from: '2026-11-02T00:00:00.000Z' };
    const plain = counting();
    const checked = counting();

    const byIds = await coveredSeqs([hold({ event_ids: ids })], plain.ledger);
    const byIdsAndTime = await coveredSeqs([hold(bounded)], checked.ledger);

    expect(sorted(byIds)).toEqual(
      sorted(await coveredSeqs([hold({ event_ids: ids })], withoutIndex())),
    );
    expect(sorted(byIdsAndTime)).toEqual(
      sorted(await coveredSeqs([hold(bounded)], withoutIndex())),
    );
    expect(plain.seen.records).toBe(0);
    expect(checked.seen.records).toBe(ids.length);
  });

  it('a hold on a chain covers all of it without reading it; with a range it queries the range', async () => {
    const { ledger: counted, seen } = counting();

    const whole = await coveredSeqs([hold({ chain: 'cards' })], counted);
    const ranged = await coveredSeqs(
      [hold({ chain: 'cards', from: '2026-11-05T00:00:00.000Z' })],
      counted,
    );

    expect(whole.get('cards')).toBe('all');
    expect(sorted(ranged)).toEqual(
      sorted(
        await coveredSeqs(
          [hold({ chain: 'cards', from: '2026-11-05T00:00:00.000Z' })],
          withoutIndex(),
        ),
      ),
    );
    expect(seen.records).toBe(0);
  });

  it('names the same archive objects as reading every record, having read none', async () => {
    const holds = [
      hold({ subject: sealer.subjects.of('ann'), chain: 'fraud' }),
      hold({ from: '2026-11-05T00:00:00.000Z' }),
    ];
    const { ledger: counted, seen } = counting();

    const byIndex = await coveredObjects(holds, { ledger: counted, archive: archive() });
    const reading = counting(false);
    const byReading = await coveredObjects(holds, { ledger: reading.ledger, archive: archive() });

    expect([...byIndex].sort()).toEqual([...byReading].sort());
    expect(byIndex.size).toBeGreaterThan(0);
    expect(seen.records).toBe(0);
    expect(reading.seen.records).toBe(TOTAL); // what it cost before: every record
  });
});
