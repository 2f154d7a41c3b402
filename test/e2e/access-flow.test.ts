import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPolicyEngine } from '#core/policy/create-engine.ts';
import { defaultPolicy } from '#core/policy/default-policy.ts';
import { checkProof } from '#core/verify/proof.ts';
import type { DevRuntime } from '#handlers/wiring/dev-runtime.ts';
import { removeDir, tempDir } from '#test/helpers/temp-dir.ts';
import { runCliHere } from './support/cli-in-process.ts';
import { startTestRuntime, verifyDataDir, waitForRecord } from './support/dev-harness.ts';
import { bearer, call, postJson } from './support/http-client.ts';

const CARD = '4111 1111 1111 1111';

/** The text of every file under `dir` (the data directory: ledger, archive, stream, keys). */
const everyFileUnder = async (dir: string): Promise<string> => {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  return (await Promise.all(files.map((f) => readFile(f, 'utf8')))).join('\n');
};

/** Creates a key with the CLI, as an admin would; answers the key printed once. */
const createKey = async (data: string, ...args: string[]): Promise<string> => {
  const { code, output } = await runCliHere(['keys', 'create', '--data', data, ...args]);
  expect(code, output).toBe(0);
  const key = /atk_[\w-]+/.exec(output)?.[0];
  if (key === undefined) throw new Error(output);
  return key;
};

const decision = (id: string, extra: Record<string, unknown>) => ({
  application_id: 'loan_app',
  decision_id: id,
  use_case: 'loan_application_review',
  output: { decision: 'deny', reason: 'Debt-to-income ratio too high.' },
  metadata: { user_id: 'cust_42' },
  ...extra,
});

/** Issue 8's "done when", on the embedded default. */
describe('who may see and do what, on `audit-trail dev`', () => {
  let dir: string;
  let runtime: DevRuntime;
  let ingest: string;
  let reviewer: string;
  let auditor: string;
  const get = (key: string, path: string, headers: Record<string, string> = {}) =>
    call(runtime.url, path, { headers: { ...bearer(key), ...headers } });

  beforeAll(async () => {
    dir = await tempDir('access-flow-');
    runtime = await startTestRuntime(dir, { policy: createPolicyEngine(defaultPolicy()) });
    ingest = await createKey(dir, '--role', 'ingest', '--chains', 'loan_');
    reviewer = await createKey(dir, '--role', 'reviewer');
    auditor = await createKey(dir, '--role', 'auditor');
  });

  afterAll(async () => {
    await runtime?.stop();
    await removeDir(dir);
  });

  it('lets the app write only its chains, queues what needs a person, and records every raw read', async () => {
    // Prepare: the app sends a card number (block), a low-confidence and a clean decision.
    const admin = runtime.apiKey.key;
    const events = [
      decision('dec_card', { output: { decision: 'deny', reason: `paid with ${CARD}` } }),
      decision('dec_low', { confidence: 0.41, confidence_threshold: 0.7 }),
      decision('dec_ok', { output: { decision: 'approve', reason: 'fine' } }),
    ];
    for (const e of events) {
      const res = await postJson(runtime.url, '/v1/logs/decisions', e, bearer(ingest));
      expect(res.status, res.text).toBe(202);
    }
    const elsewhere = { ...events[2], application_id: 'hr_app', decision_id: 'dec_hr' };
    expect(
      (await postJson(runtime.url, '/v1/logs/decisions', elsewhere, bearer(ingest))).status,
    ).toBe(403);
    const stored = await waitForRecord(runtime.url, admin, 'dec_ok');
    await waitForRecord(runtime.url, admin, 'dec_card');
    await waitForRecord(runtime.url, admin, 'dec_low');
    expect(stored.submitter?.tenant).toBe('default');
    expect(stored.submitter?.key_id).toMatch(/^key_/);

    // Act + Assess: the reviewer's queue holds the block and the low-confidence decision.
    const queue = await get(reviewer, '/v1/reviews?status=pending');
    expect(queue.status, queue.text).toBe(200);
    expect(queue.json.items.map((i: { event_id: string }) => i.event_id)).toEqual([
      'dec_low',
      'dec_card',
    ]);
    expect(queue.json.items[0].reasons).toContain('low_confidence');
    expect(queue.json.items[0].tags).toContain('requires_human_judgment');

    // Redacted by default: the card number is not in what the reviewer reads.
    const detail = await get(reviewer, '/v1/reviews/dec_card');
    expect(detail.status, detail.text).toBe(200);
    expect(detail.text).not.toContain(CARD);
    expect(detail.json.record.body.output.reason).toContain('[');
    expect(detail.json.findings.length).toBeGreaterThan(0);

    // Verdicts: append-only review records; the queue shows the latest.
    const approve = await postJson(
      runtime.url,
      '/v1/reviews/dec_card',
      { verdict: 'approve', note: 'card was the customer’s own' },
      bearer(reviewer),
    );
    expect(approve.status, approve.text).toBe(201);
    const escalate = await postJson(
      runtime.url,
      '/v1/reviews/dec_low',
      { verdict: 'escalate', note: 'unsure', assignee: 'risk-lead' },
      bearer(reviewer),
    );
    expect(escalate.json.status).toBe('escalated');
    const pending = await get(reviewer, '/v1/reviews?status=pending');
    expect(pending.json.items).toEqual([]);
    const escalated = await get(reviewer, '/v1/reviews?status=escalated');
    expect(escalated.json.items[0]).toMatchObject({ event_id: 'dec_low', assignee: 'risk-lead' });
    expect(escalated.json.items[0].tags).toContain('escalation_review');
    expect(
      (await postJson(runtime.url, '/v1/reviews/dec_card', { verdict: 'approve' }, bearer(auditor)))
        .status,
    ).toBe(403);

    // One customer's events, and their export.
    const subject = await get(reviewer, '/v1/subjects/cust_42/events');
    expect(subject.json.records).toHaveLength(3);
    expect(subject.text).not.toContain(CARD);
    const exported = await get(reviewer, '/v1/subjects/cust_42/events?format=export');
    expect(exported.headers['content-disposition']).toContain('attachment');
    expect(exported.json).toMatchObject({
      subject: { user_id: 'cust_42' },
      count: 3,
      view: 'redacted',
    });

    // Raw reads: not for a reviewer; for an auditor only with a reason, and recorded first.
    expect((await get(reviewer, '/v1/events/dec_card?view=raw&reason=x')).status).toBe(403);
    expect((await get(auditor, '/v1/events/dec_card?view=raw')).status).toBe(400);
    const raw = await get(auditor, '/v1/events/dec_card?view=raw', {
      'x-audit-reason': 'chargeback dispute #77',
    });
    expect(raw.status, raw.text).toBe(200);
    expect(raw.json.record.body.output.reason).toContain(CARD);
    const reads = await get(auditor, '/v1/events?kind=access');
    expect(reads.json.records).toHaveLength(1);
    expect(reads.json.records[0].body).toMatchObject({
      reason: 'chargeback dispute #77',
      by: { role: 'auditor' },
      records: [{ event_id: 'dec_card' }],
    });

    // Reviews and raw-read records carry subject data: sealed on disk like ingested bodies,
    // read back opened through the API (above).
    const onDisk = await everyFileUnder(dir);
    expect(onDisk).not.toContain('chargeback dispute #77');
    expect(onDisk).not.toContain('card was the customer’s own');

    // The ingest key reads nothing.
    for (const path of [
      '/v1/events/dec_ok',
      '/v1/events',
      '/v1/subjects/cust_42/events',
      '/v1/reviews',
      '/v1/reviews/dec_ok',
    ]) {
      expect((await get(ingest, path)).status, path).toBe(403);
    }

    // The admin lists keys (never the keys or their digests) and revokes the app's.
    const listed = await runCliHere(['keys', 'list', '--json', '--data', dir]);
    const ids = JSON.parse(listed.output) as { key_id: string; role: string; digest?: string }[];
    expect(ids.map((k) => k.role).sort()).toEqual(['auditor', 'ingest', 'reviewer']);
    expect(listed.output).not.toContain(ingest);
    expect(ids.every((k) => k.digest === undefined)).toBe(true);
    const appKey = ids.find((k) => k.role === 'ingest')?.key_id as string;
    expect((await runCliHere(['keys', 'revoke', appKey, '--data', dir])).code).toBe(0);
    expect(
      (await postJson(runtime.url, '/v1/logs/decisions', events[2], bearer(ingest))).status,
    ).toBe(401);

    // Before a checkpoint covers it a queued event has no proof; after one, it does.
    expect(detail.json).toMatchObject({
      proof: null,
      proof_unavailable: expect.stringContaining('checkpoint'),
    });
    await runtime.checkpoint();
    const proven = await get(reviewer, '/v1/reviews/dec_card');
    expect(checkProof(proven.json.proof)).toMatchObject({ ok: true });
    expect(proven.json.verdicts.map((v: { verdict: string }) => v.verdict)).toEqual(['approve']);

    // And the archive, access and review records included, verifies clean.
    const report = await verifyDataDir(dir);
    expect(report.faults).toEqual([]);
  });

  it('says when an event id was sent again with other content', async () => {
    // Prepare
    const admin = runtime.apiKey.key;
    const first = decision('dec_twice', {});
    await postJson(runtime.url, '/v1/logs/decisions', first, bearer(admin));
    await waitForRecord(runtime.url, admin, 'dec_twice');
    // Act: the same id, other content (accepted with 202, kept as a rejected record).
    const again = { ...first, output: { decision: 'approve', reason: 'changed' } };
    expect((await postJson(runtime.url, '/v1/logs/decisions', again, bearer(admin))).status).toBe(
      202,
    );
    // Assess
    let answer = await get(admin, '/v1/events/dec_twice');
    for (let i = 0; i < 500 && answer.json.conflicts === undefined; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      answer = await get(admin, '/v1/events/dec_twice');
    }
    expect(answer.json.record.body.output.decision).toBe('deny');
    expect(answer.json.conflicts).toHaveLength(1);
    expect(answer.json.conflicts[0].event_id).toMatch(/^conflict:/);
  });
});
