import { afterEach, describe, expect, it } from 'vitest';
import { parseKey } from '#core/archive/layout.ts';
import { checkRecord } from '#core/chain/hash.ts';
import { GENESIS_PREV, type LedgerRecord } from '#core/chain/record.ts';
import { processBatch } from '#core/pipeline/process-batch.ts';
import type { ArchivePort } from '#ports/archive.ts';
import type { PolicyEngine } from '#ports/policy-engine.ts';
import { collect } from '#test/helpers/collect.ts';
import { decision, envelope, type Harness, openHarness } from './harness.ts';

let harness: Harness;
afterEach(async () => harness.close());

const chainRecords = async (chain: string): Promise<LedgerRecord[]> => {
  const head = await harness.deps.ledger.head(chain);
  return collect(harness.deps.ledger.range(chain, 0, head.seq));
};

/** Archived records of a chain, in segment order, checking segments never overlap. */
const archived = async (archive: ArchivePort, chain: string): Promise<LedgerRecord[]> => {
  const out: LedgerRecord[] = [];
  for await (const key of archive.list(`chains/${chain}/segments/`)) {
    const parsed = parseKey(key);
    expect(parsed?.type === 'segment' && parsed.from).toBe(out.length);
    const text = new TextDecoder().decode(await archive.get(key));
    out.push(
      ...text
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as LedgerRecord),
    );
  }
  return out;
};

const expectWellLinked = (records: readonly LedgerRecord[]) => {
  records.forEach((r, i) => {
    expect(r.seq).toBe(i);
    expect(r.prev).toBe(i === 0 ? GENESIS_PREV : records[i - 1]?.hash);
    expect(checkRecord(r)).toEqual({ hash: true, body: 'ok' });
  });
};

describe('processBatch', () => {
  it('records each chain in order, archives it and answers in input order', async () => {
    // Prepare
    harness = await openHarness();
    const batch = [
      envelope(decision('loans', 'd1')),
      envelope(decision('triage', 't1')),
      envelope(decision('loans', 'd2')),
    ];
    // Act
    const outcomes = await processBatch(batch, harness.deps);
    // Assess
    expect(outcomes.map((o) => [o.status, o.chain, o.seq, o.event_id])).toEqual([
      ['recorded', 'loans', 0, 'd1'],
      ['recorded', 'triage', 0, 't1'],
      ['recorded', 'loans', 1, 'd2'],
    ]);
    const loans = await chainRecords('loans');
    expectWellLinked(loans);
    expect(await archived(harness.deps.archive, 'loans')).toEqual(loans);
  });

  it('answers redeliveries and in-batch repeats as duplicates, recording once', async () => {
    harness = await openHarness();
    const first = envelope(decision('loans', 'd1'));
    await processBatch([first], harness.deps);

    const outcomes = await processBatch(
      [first, envelope(decision('loans', 'd2')), envelope(decision('loans', 'd2'))],
      harness.deps,
    );

    expect(outcomes.map((o) => [o.status, o.seq])).toEqual([
      ['duplicate', 0],
      ['recorded', 1],
      ['duplicate', undefined],
    ]);
    expect((await chainRecords('loans')).map((r) => r.event_id)).toEqual(['d1', 'd2']);
  });

  it('writes malformed input as a rejected record with its raw bytes quarantined', async () => {
    harness = await openHarness();
    const bad = envelope({ application_id: 'loans', decision_id: 42 });

    const [outcome] = await processBatch([bad], harness.deps);
    const [again] = await processBatch([bad], harness.deps);

    expect(outcome?.status).toBe('rejected');
    expect(again?.status).toBe('rejected');
    const records = await chainRecords('loans');
    expect(records).toHaveLength(1);
    const body = records[0]?.body as { quarantine_key: string; problems: { path: string }[] };
    expect(records[0]?.kind).toBe('rejected');
    expect(body.problems.map((p) => p.path)).toContain('decision_id');
    const raw = await harness.deps.archive.get(body.quarantine_key);
    expect(JSON.parse(new TextDecoder().decode(raw))).toEqual(bad.payload);
  });

  it('rejects, never drops, an event id reused for different content', async () => {
    harness = await openHarness();
    await processBatch([envelope(decision('loans', 'same', 'approve'))], harness.deps);

    const [outcome] = await processBatch(
      [envelope(decision('loans', 'same', 'deny'))],
      harness.deps,
    );

    expect(outcome?.status).toBe('rejected');
    const records = await chainRecords('loans');
    expect(records.map((r) => [r.kind, r.ref?.seq])).toEqual([
      ['decision', undefined],
      ['rejected', 0],
    ]);
  });

  it('rejects, never drops, an event id reused for different content within one batch', async () => {
    harness = await openHarness();

    const outcomes = await processBatch(
      [
        envelope(decision('loans', 'same', 'approve')),
        envelope(decision('loans', 'same', 'approve')),
        envelope(decision('loans', 'same', 'deny')),
      ],
      harness.deps,
    );

    expect(outcomes.map((o) => o.status)).toEqual(['recorded', 'duplicate', 'rejected']);
    const records = await chainRecords('loans');
    expect(records.map((r) => [r.kind, r.ref?.seq])).toEqual([
      ['decision', undefined],
      ['rejected', 0],
    ]);
    expectWellLinked(records);
    expect(await archived(harness.deps.archive, 'loans')).toEqual(records);
  });

  it('rejects, never drops, an event id reused on another chain within one batch', async () => {
    harness = await openHarness();

    const outcomes = await processBatch(
      [envelope(decision('loans', 'same')), envelope(decision('triage', 'same'))],
      harness.deps,
    );

    expect(outcomes.map((o) => o.status).sort()).toEqual(['recorded', 'rejected']);
    const kinds = [
      ...(await chainRecords('loans')).map((r) => r.kind),
      ...(await chainRecords('triage')).map((r) => r.kind),
    ];
    expect(kinds.sort()).toEqual(['decision', 'rejected']);
  });

  it('converges after a crash between the ledger commit and the archive write', async () => {
    harness = await openHarness();
    const archive = harness.deps.archive;
    // Two: the batch's archive write, then the isolated retry of its first record.
    let failures = 2;
    const flaky: ArchivePort = {
      ...archive,
      list: (prefix) => archive.list(prefix),
      get: (key) => archive.get(key),
      stream: (key) => archive.stream(key),
      put: async (key, bytes, options) => {
        if (failures-- > 0) throw new Error('archive unavailable');
        return archive.put(key, bytes, options);
      },
    };
    const batch = [envelope(decision('loans', 'd1')), envelope(decision('loans', 'd2'))];

    const failed = await processBatch(batch, { ...harness.deps, archive: flaky });
    const retried = await processBatch(batch, { ...harness.deps, archive: flaky });

    expect(failed.map((o) => o.status)).toEqual(['failed', 'failed']);
    expect(retried.map((o) => o.status)).toEqual(['duplicate', 'duplicate']);
    const records = await chainRecords('loans');
    expectWellLinked(records);
    expect(await archived(archive, 'loans')).toEqual(records);
  });

  it('never forks or skips when two processors append to one chain at once', async () => {
    harness = await openHarness();
    const a = Array.from({ length: 40 }, (_, i) => envelope(decision('loans', `a${i}`)));
    const b = Array.from({ length: 40 }, (_, i) => envelope(decision('loans', `b${i}`)));

    const results = await Promise.all(
      [a, b, a.slice(0, 10), b.slice(30)].map((batch) => processBatch(batch, harness.deps)),
    );

    expect(results.flat().filter((o) => o.status === 'failed')).toEqual([]);
    const records = await chainRecords('loans');
    expect(records).toHaveLength(80);
    expect(new Set(records.map((r) => r.event_id)).size).toBe(80);
    expectWellLinked(records);
    expect(await archived(harness.deps.archive, 'loans')).toEqual(records);
  });

  it('publishes an alert for flagged records, again on redelivery', async () => {
    const flagging: PolicyEngine = {
      version: 'test-policy',
      evaluate: (event) => ({
        result: { version: 'test-policy', decision: 'flag', findings: [] },
        body: event.body,
      }),
    };
    harness = await openHarness(flagging);
    const one = envelope(decision('loans', 'd1'));

    await processBatch([one], harness.deps);
    await processBatch([one], harness.deps);

    expect(harness.alerts.map((a) => [a.event_id, a.decision, a.seq])).toEqual([
      ['d1', 'flag', 0],
      ['d1', 'flag', 0],
    ]);
  });
});
