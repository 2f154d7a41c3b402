import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_CHAIN } from '#core/admin/admin-chain.ts';
import { devPaths } from '#handlers/wiring/dev-runtime.ts';
import { removeDir, tempDir } from '#test/helpers/temp-dir.ts';
import { runCliHere } from './support/cli-in-process.ts';
import { readLedger, waitForRecord } from './support/dev-harness.ts';
import { type DevProcess, killDev, spawnDev } from './support/dev-process.ts';
import { bearer, postJson } from './support/http-client.ts';

const API_KEY = 'e2e-kill-test-key';
const APPS = ['app_k1', 'app_k2', 'app_k3'];
const decision = (id: string, i: number) => ({
  decision_id: id,
  application_id: APPS[i % APPS.length],
  output: { decision: 'approve' },
});

describe('audit-trail dev as a process: kill -9 right after the 202s, then restart', () => {
  let dataDir: string;
  let running: DevProcess | undefined;
  beforeEach(async () => {
    dataDir = await tempDir('audit-trail-e2e-');
  });
  afterEach(async () => {
    await killDev(running);
    await removeDir(dataDir);
  });

  it('records every acknowledged event exactly once and the archive verifies clean', async () => {
    const args = ['--port', '0', '--data', dataDir, '--checkpoint-interval', '1'];
    running = await spawnDev(args, { AUDIT_TRAIL_API_KEY: API_KEY });
    const { url } = running;
    const acknowledged: string[] = [];
    const post = async (path: string, body: unknown) => {
      const res = await postJson(url, path, body, bearer(API_KEY));
      expect(res.status, res.text).toBe(202);
      return res.json;
    };
    const singles = Array.from({ length: 60 }, (_, i) => post('/v1/logs', decision(`k-s${i}`, i)));
    const batches = Array.from({ length: 4 }, (_, b) =>
      post('/v1/events:batch', {
        events: Array.from({ length: 100 }, (_, i) => decision(`k-b${b}-${i}`, i)),
      }),
    );
    for (const answer of await Promise.all(singles)) acknowledged.push(answer.event_id);
    for (const answer of await Promise.all(batches)) {
      for (const result of answer.results) acknowledged.push(result.event_id);
    }
    running.child.kill('SIGKILL');
    expect((await running.exited).signal).toBe('SIGKILL');

    running = await spawnDev(args, { AUDIT_TRAIL_API_KEY: API_KEY });
    for (const id of acknowledged) await waitForRecord(running.url, API_KEY, id);
    running.child.kill('SIGTERM');
    const exit = await running.exited;
    expect(exit.code, running.output()).toBe(0);
    running = undefined;

    const chains = await readLedger(dataDir);
    // The admin chain holds the product's own records: the policy in force, recorded once
    // although dev started twice with it.
    const admin = chains.get(ADMIN_CHAIN) ?? [];
    expect(admin.map((r) => (r.body as { action?: string }).action)).toEqual(['policy.change']);
    chains.delete(ADMIN_CHAIN);
    const recorded = [...chains.values()].flat();
    expect(recorded).toHaveLength(acknowledged.length);
    expect(new Set(recorded.map((r) => r.event_id))).toEqual(new Set(acknowledged));
    for (const records of chains.values()) {
      expect(records.map((r) => r.seq)).toEqual([...records.keys()]);
    }
    const verify = await runCliHere(['verify', devPaths(dataDir).archive]);
    expect(verify.code, verify.output).toBe(0);
  });
});
