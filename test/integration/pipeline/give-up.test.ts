import { afterEach, describe, expect, it } from 'vitest';
import { checkRecord } from '#core/chain/hash.ts';
import type { LedgerRecord } from '#core/chain/record.ts';
import { appendToChain } from '#core/pipeline/append-chain.ts';
import { archiveLag } from '#core/pipeline/archive-lag.ts';
import { alwaysGiveUp, giveUpAfter } from '#core/pipeline/give-up.ts';
import { processBatch } from '#core/pipeline/process-batch.ts';
import type { RejectionBody } from '#core/pipeline/rejection.ts';
import type { LedgerPort } from '#ports/ledger.ts';
import type { PolicyEngine } from '#ports/policy-engine.ts';
import { collect } from '#test/helpers/collect.ts';
import { decision, envelope, type Harness, openHarness } from './harness.ts';

let harness: Harness;
afterEach(async () => harness.close());

/** A policy that always throws on one event id (a detector that cannot run on it). */
const poisonedBy = (poison: string): PolicyEngine => ({
  version: 'p1',
  evaluate: (event) => {
    if (event.event_id === poison) throw new Error('detector timed out on this event');
    return { result: { version: 'p1', decision: 'pass', findings: [] }, body: event.body };
  },
});

const records = async (chain: string): Promise<LedgerRecord[]> => {
  const head = await harness.deps.ledger.head(chain);
  return collect(harness.deps.ledger.range(chain, 0, head.seq));
};

describe('a record that keeps failing on its own', () => {
  it('fails only itself and what follows it on its chain while it may still recover', async () => {
    // Prepare
    harness = await openHarness(poisonedBy('bad'));
    const batch = [
      envelope(decision('loans', 'd1')),
      envelope(decision('other', 'o1')),
      envelope(decision('loans', 'bad')),
      envelope(decision('loans', 'd2')),
    ];
    // Act
    const outcomes = await processBatch(batch, harness.deps);
    // Assess: the poison fails alone (isolated); other chains and earlier records go through
    expect(outcomes.map((o) => o.status)).toEqual(['recorded', 'recorded', 'failed', 'failed']);
    expect((await records('loans')).map((r) => r.event_id)).toEqual(['d1']);
  });

  it('becomes a rejected record with its raw bytes quarantined once given up on, and the chain moves on', async () => {
    // Prepare
    harness = await openHarness(poisonedBy('bad'));
    const deps = { ...harness.deps, giveUp: alwaysGiveUp };
    const poison = envelope(decision('loans', 'bad'));
    const batch = [envelope(decision('loans', 'd1')), poison, envelope(decision('loans', 'd2'))];
    // Act: delivered, then redelivered whole (at-least-once)
    const first = await processBatch(batch, deps);
    const again = await processBatch(batch, deps);
    // Assess: exactly one record per acknowledged event, the poison as `rejected`
    expect(first.map((o) => [o.status, o.seq])).toEqual([
      ['recorded', 0],
      ['rejected', 1],
      ['recorded', 2],
    ]);
    expect(again.map((o) => o.status)).toEqual(['duplicate', 'rejected', 'duplicate']);
    const loans = await records('loans');
    expect(loans.map((r) => [r.kind, r.event_id])).toEqual([
      ['decision', 'd1'],
      ['rejected', `rejected:${poison.request_id}`],
      ['decision', 'd2'],
    ]);
    for (const r of loans) expect(checkRecord(r).hash).toBe(true);
    const body = loans[1]?.body as RejectionBody;
    expect(body.problems[0]?.message).toContain('detector timed out on this event');
    const raw = await harness.deps.archive.get(body.quarantine_key);
    expect(JSON.parse(new TextDecoder().decode(raw))).toEqual(poison.payload);
  });

  it('stays failed when even the rejected record cannot be written (the ledger is down)', async () => {
    // Prepare: every append fails, as when the table is unreachable
    harness = await openHarness();
    const down: LedgerPort = new Proxy(harness.deps.ledger, {
      get: (target, name, receiver) =>
        name === 'append'
          ? async () => {
              throw new Error('ledger unreachable');
            }
          : Reflect.get(target, name, receiver),
    });
    const deps = { ...harness.deps, ledger: down, giveUp: alwaysGiveUp };
    // Act
    const outcomes = await processBatch(
      [envelope(decision('loans', 'd1')), envelope(decision('loans', 'd2'))],
      deps,
    );
    // Assess
    expect(outcomes.map((o) => o.status)).toEqual(['failed', 'failed']);
    expect(await records('loans')).toEqual([]);
  });

  it('is given up on only once it has been failing for the configured time since intake', () => {
    const at = (iso: string) => ({ now: () => new Date(iso) });
    const e = envelope(decision('loans', 'd1')); // received 2026-11-23T11:59:59Z
    expect(giveUpAfter(3600, at('2026-11-23T12:59:58Z'))(e)).toBe(false);
    expect(giveUpAfter(3600, at('2026-11-23T12:59:59Z'))(e)).toBe(true);
    expect(giveUpAfter(3600, at('2026-11-23T12:00:00Z'))({ ...e, received_at: 'yesterday' })).toBe(
      true,
    );
  });
});

describe('archiveLag', () => {
  it('counts records committed but not archived, per chain', async () => {
    // Prepare: two chains recorded and archived, then one record committed without archive
    harness = await openHarness();
    await processBatch(
      [envelope(decision('loans', 'd1')), envelope(decision('triage', 't1'))],
      harness.deps,
    );
    expect(await archiveLag(harness.deps.ledger)).toEqual({ maxRecords: 0, chainsBehind: 0 });
    const head = await harness.deps.ledger.head('loans');
    const [stored] = await records('loans');
    if (stored === undefined) throw new Error('no record');
    const { appended } = await appendToChain(
      'loans',
      [{ kind: 'decision', event_id: 'd2', policy: stored.policy, body: { n: 2 } }],
      harness.deps.ledger,
      '2026-11-23T12:00:01Z',
    );
    // Act
    const lag = await archiveLag(harness.deps.ledger);
    // Assess
    expect(appended[0]?.seq).toBe(head.seq + 1);
    expect(lag).toEqual({ maxRecords: 1, chainsBehind: 1 });
  });
});
