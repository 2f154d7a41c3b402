import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPolicyEngine } from '#core/policy/create-engine.ts';
import { defaultPolicy } from '#core/policy/default-policy.ts';
import { callGuardrail } from '#core/policy/guardrail-call.ts';
import type { DevRuntime } from '#handlers/wiring/dev-runtime.ts';
import { removeDir, tempDir } from '#test/helpers/temp-dir.ts';
import { readLedger, startTestRuntime, verifyDataDir } from './support/dev-harness.ts';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');

interface ExampleOutput {
  readonly stats: { readonly sent: number; readonly dropped: number; readonly failed: number };
  readonly event_id: string;
  readonly decision_id: string;
  readonly otlp_event_id: string;
}

describe('the example app (examples/client-app.ts) against the local server', () => {
  let dataDir: string;
  let runtime: DevRuntime | undefined;

  beforeEach(async () => {
    dataDir = await tempDir('audit-trail-example-');
    const engine = createPolicyEngine(defaultPolicy());
    runtime = await startTestRuntime(dataDir, {
      policy: engine,
      guardrail: (payload, request) => callGuardrail(payload, request, engine),
    });
  });
  afterEach(async () => {
    await runtime?.stop();
    await removeDir(dataDir);
  });

  it('runs as an app would (its own process), and every way it logs lands as records that verify', async () => {
    const rt = runtime as DevRuntime;
    const { OPENAI_API_KEY: _offline, ...env } = process.env;
    // The client from its sources, as the other workspace tests use it (dist/ is what
    // test/unit/client/package.test.ts checks).
    const { stdout } = await run(
      process.execPath,
      ['--conditions=@ai-audit-trail/source', 'examples/client-app.ts'],
      { cwd: ROOT, env: { ...env, AUDIT_TRAIL_URL: rt.url, AUDIT_TRAIL_API_KEY: rt.apiKey.key } },
    );
    const out = JSON.parse(stdout.slice(stdout.indexOf('{'))) as ExampleOutput;
    await rt.stop();
    runtime = undefined;

    expect(out.stats).toMatchObject({ dropped: 0, failed: 0 });
    const records = [...(await readLedger(dataDir)).values()].flat();
    const ids = records.map((r) => r.event_id);
    expect(ids).toEqual(expect.arrayContaining([out.event_id, out.decision_id, out.otlp_event_id]));
    const kinds = records.map((r) => r.kind);
    expect(kinds).toEqual(expect.arrayContaining(['inference', 'decision']));
    // Direct logging (3) plus the OpenAI call and the LangChain runs, all sent by the client.
    expect(out.stats.sent).toBeGreaterThanOrEqual(5);
    // Plus the OTLP span, and the record the guardrail keeps of the check the OpenAI
    // wrapper asked for.
    expect(records.length).toBe(out.stats.sent + 2);
    const report = await verifyDataDir(dataDir);
    expect(report.faults).toEqual([]);
    expect(report.ok).toBe(true);
  });
});
