/**
 * Issue 17's "Done when", end to end on the embedded default: a pipeline records and
 * approves a deployment (the CLI through the API, with deployer and approver keys); the
 * app's events name it; an event from a model nobody approved lands in the review queue
 * with UNAPPROVED_MODEL; `audit-trail gate` says no-go on a leaky candidate and go on a
 * clean one; stopping the external classifier mid-run loses no event and leaves each
 * failure on the record; an auditor lists who changed what on the admin chain, which
 * verifies.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expandChecks } from '#core/policy/checks.ts';
import { createPolicyEngine } from '#core/policy/create-engine.ts';
import { callGuardrail } from '#core/policy/guardrail-call.ts';
import { loadPolicy } from '#core/policy/load-policy.ts';
import type { DevRuntime } from '#handlers/wiring/dev-runtime.ts';
import { type FakeClassifier, startFakeClassifier } from '#test/helpers/fake-classifier.ts';
import { removeDir, tempDir } from '#test/helpers/temp-dir.ts';
import { runCliHere } from './support/cli-in-process.ts';
import { startTestRuntime, verifyDataDir, waitForRecord } from './support/dev-harness.ts';
import { bearer, call, postJson } from './support/http-client.ts';

const CARD = '4111 1111 1111 1111';

const policyText = (classifierUrl: string) => `name: credit-governance
rules:
  - id: card
    name: Card numbers
    detector: credit-card
    action: block
    severity: critical
  - id: presidio
    name: External PII analyser
    detector: http-classifier
    params: { url: '${classifierUrl}' }
    action: flag
    severity: medium
    timeout_ms: 30000
    on_error: flag
`;

const decision = (id: string, model: unknown, extra: Record<string, unknown> = {}) => ({
  application_id: 'credit_app',
  use_case: 'credit',
  decision_id: id,
  model,
  output: { decision: 'approve', reason: 'income verified' },
  ...extra,
});

describe('change governance on the embedded default', () => {
  let dir: string;
  let runtime: DevRuntime;
  let classifier: FakeClassifier;
  let policyFile: string;
  const keys: Record<string, string> = {};

  const createKey = async (role: string): Promise<string> => {
    const { code, output } = await runCliHere(['keys', 'create', '--role', role, '--data', dir]);
    expect(code, output).toBe(0);
    return output.split('\n')[0] as string;
  };
  const cli = (args: string[], role: string) =>
    runCliHere([...args, '--endpoint', runtime.url, '--api-key', keys[role] as string]);
  const get = (role: string, path: string) =>
    call(runtime.url, path, { headers: bearer(keys[role] as string) });

  beforeAll(async () => {
    dir = await tempDir('governance-');
    classifier = await startFakeClassifier();
    policyFile = join(dir, 'policy.yaml');
    await writeFile(policyFile, policyText(classifier.url));
    const engine = createPolicyEngine(loadPolicy(policyText(classifier.url), policyFile));
    runtime = await startTestRuntime(dir, {
      policy: engine,
      policyInForce: { name: engine.policy.name, source: policyFile },
      guardrail: (payload, request) => callGuardrail(payload, request, engine),
    });
    for (const role of ['deployer', 'approver', 'ingest', 'reviewer', 'auditor']) {
      keys[role] = await createKey(role);
    }
  });

  afterAll(async () => {
    await runtime?.stop();
    await classifier?.close();
    await removeDir(dir);
  });

  it('records, approves, checks models, gates, survives the classifier and lists it all', async () => {
    // A pipeline records a deployment and an approver signs it off, through the API.
    const recorded = await cli(
      [
        'deployments',
        'record',
        '--use-case',
        'credit',
        '--provider',
        'openai',
        '--model',
        'gpt-4o',
        '--model-version',
        '2024-08-06',
        '--commit',
        'abc123',
      ],
      'deployer',
    );
    expect(recorded.code, recorded.output).toBe(0);
    const deployment = JSON.parse(recorded.output) as { deployment_id: string; status: string };
    expect(deployment.status).toBe('pending_approval');
    // A deployer cannot approve its own deployment; an approver can.
    const self = await cli(
      ['deployments', 'approve', deployment.deployment_id, '--note', 'me'],
      'deployer',
    );
    expect(self.code).toBe(2);
    expect(self.output).toContain('403');
    const approved = await cli(
      ['deployments', 'approve', deployment.deployment_id, '--note', 'risk review R-7 passed'],
      'approver',
    );
    expect(approved.code, approved.output).toBe(0);
    expect(JSON.parse(approved.output).status).toBe('approved');
    const active = await get(
      'reviewer',
      `/v1/deployments?use_case=credit&at=${new Date().toISOString()}`,
    );
    expect(active.json.active.deployment_id).toBe(deployment.deployment_id);

    // The app's events name the deployment; one from an unapproved model is queued.
    const model = { provider: 'openai', name: 'gpt-4o', version: '2024-08-06' };
    for (const e of [
      decision('dec_ok', model),
      decision('dec_rogue', { name: 'rogue-llm', version: '1' }),
    ]) {
      expect(
        (await postJson(runtime.url, '/v1/logs/decisions', e, bearer(keys.ingest as string)))
          .status,
      ).toBe(202);
    }
    const ok = await waitForRecord(runtime.url, runtime.apiKey.key, 'dec_ok');
    expect(ok.policy.deployment).toEqual({
      deployment_id: deployment.deployment_id,
      seq: expect.any(Number),
    });
    expect(ok.policy.decision).toBe('pass');
    const rogue = await waitForRecord(runtime.url, runtime.apiKey.key, 'dec_rogue');
    expect(rogue.policy.decision).toBe('flag');
    expect(rogue.policy.findings.map((f) => f.entity)).toContain('UNAPPROVED_MODEL');
    const queue = await get('reviewer', '/v1/reviews?status=pending');
    expect(queue.json.items.map((i: { event_id: string }) => i.event_id)).toContain('dec_rogue');
    expect(queue.json.items.map((i: { event_id: string }) => i.event_id)).not.toContain('dec_ok');

    // The gate: no-go on a leaky candidate, go on a clean one; each recorded.
    const leaky = join(dir, 'leaky.jsonl');
    const clean = join(dir, 'clean.jsonl');
    await writeFile(
      leaky,
      [
        { decision_id: 'c1', output: { decision: 'approve', reason: `card ${CARD} on file` } },
        { decision_id: 'c2', output: { decision: 'deny', reason: 'income too low' } },
      ]
        .map((l) => JSON.stringify(l))
        .join('\n'),
    );
    await writeFile(
      clean,
      `${JSON.stringify({ decision_id: 'c1', output: { decision: 'approve', reason: 'stable income' } })}\n`,
    );
    const gate = ['gate', '--use-case', 'credit', '--policy', policyFile];
    const noGo = await cli(
      [...gate, '--candidate', leaky, '--max-findings', 'CREDIT_CARD=0'],
      'deployer',
    );
    expect(noGo.code, noGo.output).toBe(1);
    expect(noGo.output).toContain('verdict: NO-GO');
    expect(noGo.output).toContain('CREDIT_CARD: 1 > 0');
    const go = await cli([...gate, '--candidate', clean, '--json'], 'deployer');
    expect(go.code, go.output).toBe(0);
    expect(JSON.parse(go.output)).toMatchObject({ verdict: 'go', events: 1 });
    const bad = await cli([...gate, '--candidate', join(dir, 'missing.jsonl')], 'deployer');
    expect(bad.code).toBe(2);

    // The external classifier stops mid-run: no event is lost, each failure is recorded.
    const ids = Array.from({ length: 6 }, (_, i) => `dec_run_${i}`);
    for (const [i, id] of ids.entries()) {
      if (i === 3) await classifier.close();
      const e = decision(id, model, { output: { decision: 'approve', reason: `ok ${i}` } });
      expect(
        (await postJson(runtime.url, '/v1/logs/decisions', e, bearer(keys.ingest as string)))
          .status,
      ).toBe(202);
      await waitForRecord(runtime.url, runtime.apiKey.key, id);
    }
    for (const [i, id] of ids.entries()) {
      const r = await waitForRecord(runtime.url, runtime.apiKey.key, id);
      const check = expandChecks(r.policy.checks).find((c) => c.rule_id === 'presidio');
      // A record lists every rule: before the stop, both ran (bare ids).
      if (i < 3) expect(r.policy.checks).toEqual(['card', 'presidio']);
      else {
        expect(check).toMatchObject({ status: 'error', fail_mode: 'flag' });
        expect(r.policy.decision).toBe('flag');
      }
    }

    // An auditor lists who changed what; a hold placed by the admin shows too.
    const hold = await postJson(
      runtime.url,
      '/v1/legal-holds',
      { scope: { event_ids: ['dec_rogue'] }, case_id: 'C-17', reason: 'model inquiry' },
      bearer(runtime.apiKey.key),
    );
    expect(hold.status, hold.text).toBe(201);
    expect((await get('reviewer', '/v1/admin-events')).status).toBe(403);
    const listed = await get('auditor', '/v1/admin-events?limit=1000');
    expect(listed.status, listed.text).toBe(200);
    const events = listed.json.events as {
      action: string;
      who: { key_id: string } | null;
      target: string;
      before_sha256: string | null;
      after_sha256: string | null;
    }[];
    const actions = events.map((e) => e.action);
    for (const action of [
      'policy.change',
      'key.create',
      'deployment.record',
      'deployment.approve',
      'assessment.record',
      'legal_hold.place',
    ]) {
      expect(actions).toContain(action);
    }
    expect(actions.filter((a) => a === 'key.create')).toHaveLength(5);
    expect(actions.filter((a) => a === 'assessment.record')).toHaveLength(2);
    const approval = events.find((e) => e.action === 'deployment.approve');
    expect(approval?.who?.key_id).toMatch(/^key_/);
    expect(approval?.before_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(approval?.after_sha256).not.toBe(approval?.before_sha256);
    expect(events.find((e) => e.action === 'legal_hold.place')?.who?.key_id).toBe('dev');
    expect(events.find((e) => e.action === 'key.create')?.who?.key_id).toMatch(/^local:[^:]+$/);

    await runtime.checkpoint();
    const report = await verifyDataDir(dir);
    expect(report.faults).toEqual([]);
  });
});
