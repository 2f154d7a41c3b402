import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FileLedger, openFileLedger } from '#adapters/local/file-ledger.ts';
import { GENESIS_PREV, type LedgerRecord } from '#core/chain/record.ts';
import { computeReview } from '#core/fairness/compute-review.ts';
import { ledgerSource, reviewSource } from '#core/fairness/review-source.ts';
import { sealTestRecord } from '#test/helpers/archive-builder.ts';
import { countingLedger } from '#test/helpers/counting-ledger.ts';
import { removeDir, tempDir } from '#test/helpers/temp-dir.ts';

// A review of November reads November's decisions and the outcomes logged since, through the
// file ledger's search index, not the whole ledger; and it answers what reading everything
// answers.
let dir: string;
let ledger: FileLedger;
const OLD = 300; // decisions of 2025, outside any window below
const RECENT = 40; // decisions of November 2026
const FROM = new Date('2026-11-02T00:00:00Z');
const TO = new Date('2026-11-30T00:00:00Z');

beforeAll(async () => {
  dir = await tempDir('fairness-window-');
  ledger = await openFileLedger(join(dir, 'ledger'));
  const records: LedgerRecord[] = [];
  let prev = GENESIS_PREV;
  const push = (kind: 'decision' | 'outcome', at: string, body: unknown, extra = {}) => {
    const record = sealTestRecord(
      'loans',
      records.length,
      prev,
      { kind, ingested_at: at, occurred_at: at, event_id: `e-${records.length}`, ...extra },
      body,
    );
    records.push(record);
    prev = record.hash;
    return record;
  };
  const decide = (i: number, at: string) =>
    push('decision', at, {
      decision_id: `d-${i}`,
      use_case: 'loan',
      inputs: { gender: i % 2 ? 'f' : 'm' },
      output: { decision: i % 3 ? 'approve' : 'deny' },
    });
  for (let i = 0; i < OLD; i++) decide(i, new Date(Date.UTC(2025, 0, 1, 0, i)).toISOString());
  const recent: LedgerRecord[] = [];
  for (let i = OLD; i < OLD + RECENT; i++) {
    recent.push(decide(i, new Date(Date.UTC(2026, 10, 3 + (i % 25), 12)).toISOString()));
  }
  for (const [n, d] of recent.entries()) {
    const at = new Date(Date.UTC(2026, 11, 1, 0, n)).toISOString();
    push(
      'outcome',
      at,
      {
        decision_id: (d.body as { decision_id: string }).decision_id,
        outcome: n % 4 ? 'repaid' : 'default',
        observed_at: at,
      },
      { ref: { event_id: d.event_id, chain: 'loans', seq: d.seq } },
    );
  }
  await ledger.append({ chain: 'loans', seq: -1, hash: GENESIS_PREV }, records);
});
afterAll(async () => {
  await ledger?.close();
  await removeDir(dir);
});

describe('a fairness review over the search index', () => {
  const options = {
    from: FROM,
    to: TO,
    useCase: 'loan',
    attributes: [{ path: 'gender' }],
    positiveDecisions: ['approve'],
    positiveOutcomes: ['repaid'],
    trendWeeks: 4,
  };

  it('reads only the window: its decisions and the outcomes logged since', async () => {
    const windowed = countingLedger(ledger);
    const everything = countingLedger(ledger);
    const now = new Date('2026-12-05T00:00:00Z');
    const a = await computeReview(reviewSource(windowed.ledger), options, now);
    const b = await computeReview(ledgerSource(everything.ledger), options, now);

    expect(a).toEqual(b);
    expect(a.decisions).toBe(RECENT);
    expect(a.outcomes.labelled).toBe(RECENT);
    expect(windowed.seen.records).toBe(RECENT + RECENT);
    expect(everything.seen.records).toBe(2 * (OLD + RECENT + RECENT));
  });

  it('holds at most maxOutcomesInMemory outcomes: partitions of decisions, same answer', async () => {
    const now = new Date('2026-12-05T00:00:00Z');
    const whole = await computeReview(reviewSource(ledger), options, now);
    const parted = countingLedger(ledger);
    const split = await computeReview(
      reviewSource(parted.ledger),
      { ...options, maxOutcomesInMemory: 7 },
      now,
    );

    expect(split).toEqual(whole);
    // A counting pass over the 40 outcomes finds they do not fit 7; then
    // ceil(40 × 1.25 / 7) = 8 partitions read outcomes and decisions once each.
    expect(parted.seen.records).toBe(RECENT + 8 * (RECENT + RECENT));
  });
});
