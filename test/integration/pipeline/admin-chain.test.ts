/**
 * The admin chain on the real local adapters: policy changes recorded once however many
 * starters race, deployments and approvals with the in-memory view the processor checks
 * models against, key changes reconciled idempotently, and the auditor's listing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_CHAIN, localActor } from '#core/admin/admin-chain.ts';
import { listAdminEvents } from '#core/admin/admin-events.ts';
import {
  createDeploymentView,
  DeploymentInputError,
  decideDeployment,
  loadDeploymentView,
  parseDeploymentInput,
  recordDeployment,
} from '#core/admin/deployments.ts';
import { recordKeyChanges } from '#core/admin/key-events.ts';
import { withDeploymentCheck } from '#core/admin/model-check.ts';
import { recordPolicyInForce } from '#core/admin/policy-change.ts';
import { checkRecord } from '#core/chain/hash.ts';
import type { IntakeEnvelope } from '#core/events/envelope.ts';
import { processBatch } from '#core/pipeline/process-batch.ts';
import { passThroughPolicy } from '#core/policy/engine.ts';
import type { StoredKey } from '#ports/key-store.ts';
import { collect } from '#test/helpers/collect.ts';
import { type Harness, openHarness } from './harness.ts';

let harness: Harness;
afterEach(async () => harness.close());

const ops = localActor('ops');
const approver = { key_id: 'key_approver', tenant: 'default' };

const envelope = (id: string, extra: Record<string, unknown>): IntakeEnvelope => ({
  v: 1,
  route: 'decision_log',
  request_id: `req-${id}`,
  received_at: '2026-11-23T12:00:00Z',
  payload: {
    application_id: 'credit_app',
    decision_id: id,
    output: { decision: 'approve' },
    ...extra,
  },
});

describe('the admin chain', () => {
  it('records a policy change once, however many starters race, and each later change', async () => {
    harness = await openHarness();
    const deps = harness.deps;
    const policyA = { name: 'p', version: 'a'.repeat(64), source: 'file' };
    const policyB = { ...policyA, version: 'b'.repeat(64) };
    await Promise.all(Array.from({ length: 5 }, () => recordPolicyInForce(policyA, ops, deps)));
    expect(await recordPolicyInForce(policyA, ops, deps)).toBeUndefined();
    await recordPolicyInForce(policyB, ops, deps);
    await recordPolicyInForce(policyA, ops, deps);
    const head = await deps.ledger.head(ADMIN_CHAIN);
    const records = await collect(deps.ledger.range(ADMIN_CHAIN, 0, head.seq));
    expect(
      records.map((r) => {
        const b = r.body as { before_sha256: string | null; after_sha256: string };
        return [b.before_sha256?.[0] ?? null, b.after_sha256[0]];
      }),
    ).toEqual([
      [null, 'a'],
      ['a', 'b'],
      ['b', 'a'],
    ]);
    for (const r of records) expect(checkRecord(r)).toEqual({ hash: true, body: 'ok' });
  });

  it('checks models against the approved deployment active at each event time', async () => {
    harness = await openHarness();
    const view = createDeploymentView();
    const deps = { ...harness.deps, deployments: view, policyVersion: 'none' };
    const d = await recordDeployment(
      parseDeploymentInput({
        use_case: 'credit',
        model: { provider: 'openai', name: 'gpt-4o', version: '2024-08-06' },
        source: { commit: 'abc' },
      }),
      ops,
      deps,
    );
    expect(d.status).toBe('pending_approval');
    const processor = {
      ...harness.deps,
      policy: withDeploymentCheck(passThroughPolicy, view, harness.deps.clock),
    };
    // Pending: nothing is checked yet.
    await processBatch([envelope('before', { use_case: 'credit', model: 'rogue' })], processor);
    const approved = await decideDeployment(
      d.deployment_id,
      { decision: 'approve', note: 'R-7' },
      approver,
      deps,
    );
    expect(approved.status).toBe('approved');
    await expect(
      decideDeployment(d.deployment_id, { decision: 'reject', note: 'late' }, approver, deps),
    ).rejects.toThrow(DeploymentInputError);
    await processBatch(
      [
        envelope('ok', { use_case: 'credit', model: { name: 'gpt-4o', version: '2024-08-06' } }),
        envelope('by_name', { use_case: 'credit', metadata: { model: 'gpt-4o' } }),
        envelope('old_version', { use_case: 'credit', model: { name: 'gpt-4o', version: '2023' } }),
        envelope('rogue', { use_case: 'credit', model: 'rogue' }),
        envelope('no_model', { use_case: 'credit' }),
        envelope('long_ago', {
          use_case: 'credit',
          model: 'gpt-4o',
          timestamp: '2020-01-01T00:00:00Z',
        }),
        envelope('other_use', { use_case: 'hr', model: 'rogue' }),
        {
          v: 1,
          route: 'guardrail',
          request_id: 'req-guard',
          received_at: '2026-11-23T12:00:00Z',
          payload: {
            text: 'hello',
            direction: 'output',
            use_case: 'credit',
            application: 'credit_app',
            event_id: 'guard',
          },
        },
      ],
      processor,
    );
    const head = await harness.deps.ledger.head('credit_app');
    const records = await collect(harness.deps.ledger.range('credit_app', 0, head.seq));
    const outcome = Object.fromEntries(
      records.map((r) => [
        r.event_id,
        [
          r.policy.decision,
          r.policy.deployment?.deployment_id ?? null,
          r.policy.findings.map((f) => f.entity),
        ],
      ]),
    );
    expect(outcome).toEqual({
      before: ['pass', null, []],
      ok: ['pass', d.deployment_id, []],
      by_name: ['pass', d.deployment_id, []],
      old_version: ['flag', null, ['UNAPPROVED_MODEL']],
      rogue: ['flag', null, ['UNAPPROVED_MODEL']],
      no_model: ['flag', null, ['UNAPPROVED_MODEL']],
      long_ago: ['flag', null, ['UNAPPROVED_MODEL']],
      other_use: ['pass', null, []],
      guard: ['pass', null, []],
    });
    // The view read back from the chain agrees with the one kept in memory.
    const reloaded = await loadDeploymentView(harness.deps.ledger);
    expect(reloaded.activeAt('credit', Date.now())?.deployment_id).toBe(d.deployment_id);
    expect(reloaded.get(d.deployment_id)?.decided_by).toEqual(approver);
  });

  it('records key changes once and lists who changed what with before/after hashes', async () => {
    harness = await openHarness();
    const deps = harness.deps;
    const key: StoredKey = {
      key_id: 'key_1',
      digest: 'd'.repeat(64),
      tenant: 'default',
      role: 'auditor',
      chains: ['*'],
      created_at: '2026-11-23T10:00:00Z',
      created_by: 'local:ops',
    };
    expect(await recordKeyChanges([key], deps)).toBe(1);
    expect(await recordKeyChanges([key], deps)).toBe(0);
    const revoked = { ...key, revoked_at: '2026-11-23T11:00:00Z', revoked_by: 'local:sec' };
    expect(await recordKeyChanges([revoked], deps)).toBe(1);
    const { events } = await listAdminEvents({}, deps);
    expect(events.map((e) => [e.action, e.target, e.who?.key_id])).toEqual([
      ['key.revoke', 'key_1', 'local:sec'],
      ['key.create', 'key_1', 'local:ops'],
    ]);
    const [revoke, create] = events;
    expect(create?.before_sha256).toBeNull();
    expect(revoke?.before_sha256).toBe(create?.after_sha256);
    expect(revoke?.after_sha256).not.toBe(revoke?.before_sha256);
    expect(JSON.stringify(events)).not.toContain(key.digest);
    const page = await listAdminEvents({ limit: 1 }, deps);
    expect(page.events).toHaveLength(1);
    expect(page.next_cursor).toBe(String(page.events[0]?.seq));
    expect((await listAdminEvents({ before: Number(page.next_cursor) }, deps)).events).toHaveLength(
      1,
    );
  });
});
