import { afterEach, describe, expect, it } from 'vitest';
import { admitEnvelope } from '#core/access/admit.ts';
import type { Principal } from '#core/access/roles.ts';
import { ApiRefusal } from '#core/api/refusal.ts';
import { checkRecord } from '#core/chain/hash.ts';
import { processBatch } from '#core/pipeline/process-batch.ts';
import { decision, envelope, type Harness, openHarness } from './harness.ts';

let harness: Harness;
afterEach(async () => harness.close());

const key = (tenant: string, chains: string[] = ['*']): Principal => ({
  key_id: `key_${tenant}`,
  tenant,
  role: 'ingest',
  chains,
});

describe('tenants and chain scopes', () => {
  it('keeps the same event id of two tenants apart and stamps each submitter into the hash', async () => {
    // Prepare
    harness = await openHarness();
    const ours = admitEnvelope(key('default'), envelope(decision('app', 'evt_1')));
    const theirs = admitEnvelope(key('acme'), envelope(decision('app', 'evt_1', 'deny')));
    // Act
    const outcomes = await processBatch([ours, theirs], harness.deps);
    // Assess
    expect(outcomes.map((o) => [o.status, o.chain])).toEqual([
      ['recorded', 'app'],
      ['recorded', 'acme::app'],
    ]);
    const a = await harness.deps.ledger.get('app', 0);
    const b = await harness.deps.ledger.get('acme::app', 0);
    expect(a?.event_id).toBe('evt_1');
    expect(b?.event_id).toBe('acme::evt_1');
    expect(a?.submitter).toEqual({ key_id: 'key_default', tenant: 'default' });
    expect(b?.submitter).toEqual({ key_id: 'key_acme', tenant: 'acme' });
    expect(checkRecord(b as NonNullable<typeof b>)).toEqual({ hash: true, body: 'ok' });
    // The submitter is hashed: changing it breaks the record.
    const forged = {
      ...(b as NonNullable<typeof b>),
      submitter: { key_id: 'key_other', tenant: 'acme' },
    };
    expect(checkRecord(forged).hash).toBe(false);
  });

  it('refuses a key scoped to chain A on chain B, reserved chains, and another tenant’s names', () => {
    const scoped = key('default', ['loan_']);
    expect(admitEnvelope(scoped, envelope(decision('loan_app', 'x'))).submitter?.key_id).toBe(
      'key_default',
    );
    for (const chain of ['hr_app', '_access', 'acme::app']) {
      expect(() => admitEnvelope(scoped, envelope(decision(chain, 'x')))).toThrow(ApiRefusal);
    }
    expect(() => admitEnvelope(key('default'), envelope(decision('acme::app', 'x')))).toThrow(
      /another tenant/,
    );
  });
});
