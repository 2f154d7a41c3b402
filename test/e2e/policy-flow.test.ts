import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, tempDir } from '#test/helpers/temp-dir.ts';
import { until } from '#test/helpers/until.ts';
import { runCliHere } from './support/cli-in-process.ts';
import { waitForRecord } from './support/dev-harness.ts';
import { type DevProcess, killDev, spawnDev } from './support/dev-process.ts';
import { bearer, postJson } from './support/http-client.ts';

const CARD = '4111 1111 1111 1111';
const KEY = 'policy-flow-test-key-0123456789';

const post = (url: string, path: string, body: unknown) => postJson(url, path, body, bearer(KEY));

/** Issue 3's "done when": a user edits the policy, restarts, and sees it applied. */
describe('an edited policy file applied by `audit-trail dev`', () => {
  let dir: string;
  let dev: DevProcess;
  let webhook: Server;
  const delivered: string[] = [];

  beforeAll(async () => {
    webhook = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => {
        body += chunk.toString('utf8');
      });
      req.on('end', () => {
        delivered.push(body);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((done) => webhook.listen(0, '127.0.0.1', done));
    const hook = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/alerts`;
    dir = await tempDir('policy-flow-');
    const policyFile = join(dir, 'policy.yaml');
    expect((await runCliHere(['policy', 'init', policyFile])).code).toBe(0);
    // The user's edit: their own control id on the card rule.
    const text = await readFile(policyFile, 'utf8');
    const edited = text.replace(
      'controls: [PCI-DSS-4.0:3.5.1,',
      'controls: [INTERNAL:CARD-01, PCI-DSS-4.0:3.5.1,',
    );
    expect(edited).not.toBe(text);
    await writeFile(policyFile, edited);
    expect((await runCliHere(['policy', 'check', policyFile])).code).toBe(0);
    dev = await spawnDev(
      [
        ...['--port', '0', '--data', join(dir, 'data'), '--policy', policyFile],
        ...['--checkpoint-interval', '0.2', '--alert-webhook', hook],
      ],
      { AUDIT_TRAIL_API_KEY: KEY },
    );
  });

  afterAll(async () => {
    await killDev(dev);
    await new Promise((done) => webhook.close(done));
    await removeDir(dir);
  });

  it('blocks a card number and a toxic phrase, masks them, alerts, and still verifies', async () => {
    // Act
    const accepted = await post(dev.url, '/v1/audit/events', {
      event_id: 'evt-card-toxic',
      system: 'support_bot',
      input: { messages: [{ role: 'user', content: 'Can you check my payment?' }] },
      output: { content: `Sure, you idiot. Your card ${CARD} is on file.` },
      model: { provider: 'openai', name: 'gpt-4' },
    });
    const record = await waitForRecord(dev.url, KEY, 'evt-card-toxic');

    // Assess: the decision, the masked findings and the user's control id.
    expect(accepted.status).toBe(202);
    expect(record.policy.decision).toBe('block');
    const card = record.policy.findings.find((f) => f.entity === 'CREDIT_CARD');
    const toxic = record.policy.findings.find((f) => f.detector === 'toxicity');
    expect(card?.controls).toContain('INTERNAL:CARD-01');
    expect(card?.snippet).toBeDefined();
    expect(card?.snippet).not.toContain('4111');
    expect(toxic?.action).toBe('block');
    expect(JSON.stringify(record.policy)).not.toContain(CARD);

    // An alert line and a webhook delivery, without the raw value (alerts follow the
    // record by a moment: wait for the webhook, which is posted after the line is written).
    await until(() => delivered.join().includes('evt-card-toxic'), 60_000, 20);
    const alerts = (await readFile(join(dir, 'data', 'alerts.jsonl'), 'utf8')).trim().split('\n');
    const alert = alerts.map((l) => JSON.parse(l)).find((a) => a.event_id === 'evt-card-toxic');
    expect(alert?.decision).toBe('block');
    expect(alerts.join('\n')).not.toContain(CARD);
    expect(delivered.join('\n')).toContain('evt-card-toxic');
    expect(delivered.join('\n')).not.toContain(CARD);

    // The archive still verifies clean once the process has drained.
    dev.child.kill('SIGTERM');
    expect((await dev.exited).code).toBe(0);
    const verify = await runCliHere(['verify', join(dir, 'data', 'archive')]);
    expect(verify.output).toContain('clean');
    expect(verify.code).toBe(0);
  });
});

describe('POST /v1/guardrails/evaluate', () => {
  let dir: string;
  let dev: DevProcess;

  beforeAll(async () => {
    dir = await tempDir('guardrail-');
    dev = await spawnDev(['--port', '0', '--data', dir], { AUDIT_TRAIL_API_KEY: KEY });
  });

  afterAll(async () => {
    await killDev(dev);
    await removeDir(dir);
  });

  it('answers block with the redacted text and chains the evaluated call', async () => {
    const res = await post(dev.url, '/v1/guardrails/evaluate', {
      text: `Your card ${CARD} is approved`,
      direction: 'output',
      application: 'checkout_bot',
    });

    expect(res.status).toBe(200);
    expect(res.json.decision).toBe('block');
    expect(res.json.redacted_text).not.toContain('4111');
    const record = await waitForRecord(dev.url, KEY, res.json.event_id);
    expect([record.chain, record.kind, record.policy.decision]).toEqual([
      'checkout_bot',
      'inference',
      'block',
    ]);
  });

  it('answers 400 naming the field for a bad request, and 401 without a key', async () => {
    const bad = await post(dev.url, '/v1/guardrails/evaluate', { text: 'hi', direction: 'up' });
    const anonymous = await postJson(
      dev.url,
      '/v1/guardrails/evaluate',
      { text: 'hi', direction: 'input' },
      {},
    );

    expect(bad.status).toBe(400);
    expect(bad.json.problems.map((p: { path: string }) => p.path)).toContain('direction');
    expect(anonymous.status).toBe(401);
  });
});
