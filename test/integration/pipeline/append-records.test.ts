import { afterEach, describe, expect, it } from 'vitest';
import { checkRecord } from '#core/chain/hash.ts';
import { appendRecords } from '#core/pipeline/append-records.ts';
import { collect } from '#test/helpers/collect.ts';
import { type Harness, openHarness } from './harness.ts';

let harness: Harness;
afterEach(async () => harness.close());

const hold = (id: string) =>
  ({
    kind: 'legal_hold',
    event_id: id,
    policy: { version: 'none', decision: 'pass', findings: [] },
    body: { case_id: 'C-1', reason: 'litigation' },
  }) as const;

describe('appendRecords', () => {
  it('appends the product own records, archives them and skips an id already recorded', async () => {
    // Prepare
    harness = await openHarness();
    const { ledger, archive } = harness.deps;
    // Act
    const first = await appendRecords('admin', [hold('h1'), hold('h2')], harness.deps);
    const again = await appendRecords('admin', [hold('h2'), hold('h3')], harness.deps);
    // Assess
    expect(first.appended.map((r) => [r.seq, r.event_id])).toEqual([
      [0, 'h1'],
      [1, 'h2'],
    ]);
    expect(again.appended.map((r) => [r.seq, r.event_id])).toEqual([[2, 'h3']]);
    expect(again.alreadyRecorded.get('h2')).toEqual({ chain: 'admin', seq: 1 });
    const records = await collect(ledger.range('admin', 0, 2));
    for (const r of records) expect(checkRecord(r)).toEqual({ hash: true, body: 'ok' });
    expect((await ledger.meta('admin')).archived_through).toBe(2);
    const keys = await collect(archive.list('chains/admin/segments/'));
    expect(keys).toHaveLength(2);
  });
});
