import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFileKeyStore } from '#adapters/local/file-key-store.ts';
import { createKey } from '#core/access/keys.ts';
import { can, ROLES, type Role } from '#core/access/roles.ts';
import { ROUTE_PERMISSIONS, type RouteName } from '#core/access/route-permissions.ts';
import { type DevRuntime, devPaths } from '#handlers/wiring/dev-runtime.ts';
import { removeDir, tempDir } from '#test/helpers/temp-dir.ts';
import { startTestRuntime, waitForRecord } from './support/dev-harness.ts';
import { bearer, call } from './support/http-client.ts';

const EVENT = { application_id: 'app', decision_id: 'dec_1', output: { decision: 'deny' } };

/** One request per route, valid enough that an allowed role gets past the permission check. */
/** `allowed`: the answer a permitted role gets (a 2xx unless the request names nothing). */
const REQUESTS: Record<
  RouteName,
  { method: string; path: string; body?: unknown; allowed?: number }
> = {
  audit_event: {
    method: 'POST',
    path: '/v1/audit/events',
    body: {
      ...EVENT,
      decision_id: undefined,
      event_id: 'inf_1',
      input: { messages: [] },
      output: { content: 'hi' },
    },
  },
  decision_log: {
    method: 'POST',
    path: '/v1/logs/decisions',
    body: { ...EVENT, decision_id: 'dec_2' },
  },
  log: { method: 'POST', path: '/v1/logs', body: { ...EVENT, decision_id: 'dec_3' } },
  batch: {
    method: 'POST',
    path: '/v1/events:batch',
    body: { events: [{ ...EVENT, decision_id: 'dec_4' }] },
  },
  guardrail: {
    method: 'POST',
    path: '/v1/guardrails/evaluate',
    body: { text: 'hello', direction: 'output', application: 'app' },
  },
  outcome: {
    method: 'POST',
    path: '/v1/outcomes',
    body: { decision_id: 'dec_1', outcome: 'repaid', observed_at: '2026-01-01T00:00:00Z' },
  },
  otlp_traces: { method: 'POST', path: '/v1/traces', body: { resourceSpans: [] } },
  get_event: { method: 'GET', path: '/v1/events/dec_1' },
  search_events: { method: 'GET', path: '/v1/events?chain=app' },
  subject_events: { method: 'GET', path: '/v1/subjects/u1/events' },
  list_reviews: { method: 'GET', path: '/v1/reviews' },
  get_review: { method: 'GET', path: '/v1/reviews/dec_1' },
  post_review: {
    method: 'POST',
    path: '/v1/reviews/dec_1',
    body: { verdict: 'annotate', note: 'seen' },
  },
  post_legal_hold: {
    method: 'POST',
    path: '/v1/legal-holds',
    body: { scope: { event_ids: ['dec_1'] }, case_id: 'C-1', reason: 'litigation' },
  },
  list_legal_holds: { method: 'GET', path: '/v1/legal-holds' },
  delete_legal_hold: { method: 'DELETE', path: '/v1/legal-holds/none', allowed: 404 },
  post_erasure_request: {
    method: 'POST',
    path: '/v1/erasure-requests',
    body: { event_ids: ['nothing_here'], reason: 'art. 17' },
  },
  list_erasure_requests: { method: 'GET', path: '/v1/erasure-requests' },
  get_erasure_request: { method: 'GET', path: '/v1/erasure-requests/none', allowed: 404 },
  evidence_report: {
    method: 'GET',
    path: '/v1/reports/evidence?from=2026-01-01&to=2099-01-01',
  },
  post_deployment: {
    method: 'POST',
    path: '/v1/deployments',
    body: { use_case: 'credit', model: { provider: 'openai', name: 'gpt-4o', version: '1' } },
  },
  list_deployments: { method: 'GET', path: '/v1/deployments?use_case=credit' },
  post_approval: {
    method: 'POST',
    path: '/v1/deployments/none/approvals',
    body: { decision: 'approve', note: 'ok' },
    allowed: 404,
  },
  post_assessment: {
    method: 'POST',
    path: '/v1/assessments',
    body: {
      action: 'assessment.record',
      assessment_id: 'asm_00000000-0000-4000-8000-000000000000',
      use_case: 'credit',
      candidate_sha256: 'a'.repeat(64),
      policy_version: 'none',
      events: 1,
      decisions: { pass: 1, flag: 0, block: 0 },
      counts: {},
      limits: { BLOCK: 0 },
      exceeded: [],
      failed_checks: 0,
      verdict: 'go',
    },
  },
  list_admin_events: { method: 'GET', path: '/v1/admin-events' },
  published_keys: { method: 'GET', path: '/v1/checkpoints/keys' },
  list_fairness_reports: { method: 'GET', path: '/v1/reports/fairness' },
  get_fairness_report: {
    method: 'GET',
    path: `/v1/reports/fairness/${'0'.repeat(64)}`,
    allowed: 404,
  },
};

/** Every role × every route: allowed exactly when the role's permissions hold the route's. */
describe('the role × route table, end to end on the local server', () => {
  let dir: string;
  let runtime: DevRuntime;
  const keys = new Map<Role, string>();

  beforeAll(async () => {
    dir = await tempDir('role-routes-');
    runtime = await startTestRuntime(dir, {
      guardrail: async (_payload, request) => ({
        status: 200,
        body: { decision: 'pass', ...request },
      }),
    });
    const store = openFileKeyStore(devPaths(dir).accessKeys);
    for (const role of Object.keys(ROLES) as Role[]) {
      keys.set(role, (await createKey({ role }, store, new Date())).key);
    }
    await call(runtime.url, '/v1/logs/decisions', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(runtime.apiKey.key) },
      body: JSON.stringify(EVENT),
    });
    await waitForRecord(runtime.url, runtime.apiKey.key, 'dec_1');
  });

  afterAll(async () => {
    await runtime?.stop();
    await removeDir(dir);
  });

  const cases = (Object.keys(ROLES) as Role[]).flatMap((role) =>
    (Object.keys(ROUTE_PERMISSIONS) as RouteName[]).map((route) => {
      const allowed = can(
        { key_id: 'k', tenant: 'default', role, chains: ['*'] },
        ROUTE_PERMISSIONS[route],
      );
      return [role, route, allowed] as const;
    }),
  );

  it.each(cases)('%s × %s → allowed: %s', async (role, route, allowed) => {
    const { method, path, body, allowed: permitted } = REQUESTS[route];
    const res = await call(runtime.url, path, {
      method,
      headers: { 'content-type': 'application/json', ...bearer(keys.get(role) as string) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (allowed && permitted !== undefined) expect(res.status, res.text).toBe(permitted);
    else if (allowed) expect([200, 201, 202], res.text).toContain(res.status);
    else expect(res.status, res.text).toBe(403);
  });

  it('answers 401 for a revoked key', async () => {
    const store = openFileKeyStore(devPaths(dir).accessKeys);
    const { key, stored } = await createKey({ role: 'admin' }, store, new Date());
    expect((await call(runtime.url, '/v1/events', { headers: bearer(key) })).status).toBe(200);
    await store.revoke(stored.key_id, new Date().toISOString());
    expect((await call(runtime.url, '/v1/events', { headers: bearer(key) })).status).toBe(401);
  });

  it('shows another tenant nothing, and a chain-scoped reader only its chains', async () => {
    const store = openFileKeyStore(devPaths(dir).accessKeys);
    const acme = (await createKey({ role: 'admin', tenant: 'acme' }, store, new Date())).key;
    expect((await call(runtime.url, '/v1/events/dec_1', { headers: bearer(acme) })).status).toBe(
      404,
    );
    expect((await call(runtime.url, '/v1/events', { headers: bearer(acme) })).json.records).toEqual(
      [],
    );
    for (const path of ['/v1/admin-events', '/v1/deployments']) {
      expect((await call(runtime.url, path, { headers: bearer(acme) })).status).toBe(403);
    }
    const other = (await createKey({ role: 'auditor', chains: ['other_'] }, store, new Date())).key;
    expect((await call(runtime.url, '/v1/events/dec_1', { headers: bearer(other) })).status).toBe(
      404,
    );
    expect(
      (await call(runtime.url, '/v1/events?chain=app', { headers: bearer(other) })).status,
    ).toBe(403);
    expect(
      (await call(runtime.url, '/v1/events', { headers: bearer(other) })).json.records,
    ).toEqual([]);
  });
});
