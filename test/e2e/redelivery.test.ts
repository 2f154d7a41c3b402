import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { removeDir, tempDir } from '#test/helpers/temp-dir.ts';
import {
  readLedger,
  startTestRuntime,
  verifyDataDir,
  waitForRecord,
} from './support/dev-harness.ts';
import { flakyLedger } from './support/flaky-ledger.ts';
import { bearer, postJson } from './support/http-client.ts';

const APPS = ['app_a', 'app_b', 'app_c'];
const decision = (i: number) => ({
  decision_id: `evt-${i}`,
  application_id: APPS[i % APPS.length],
  output: { decision: i % 2 === 0 ? 'approve' : 'deny' },
});

describe('a processor failure mid-batch', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await tempDir('audit-trail-e2e-');
  });
  afterEach(() => removeDir(dataDir));

  it.each(['before', 'after'] as const)(
    'with appends failing %s the write: events are retried and recorded exactly once',
    async (when) => {
      // As many failures as chains: each chain appends at least once however the stream
      // batches under load, so every failure is injected (more could go unused when a
      // busy machine packs each chain into one batch and 'after' leaves nothing to redo).
      const flaky = flakyLedger(APPS.length, when);
      const runtime = await startTestRuntime(dataDir, { wrapLedger: flaky.wrap });
      const auth = bearer(runtime.apiKey.key);

      const batch = await postJson(
        runtime.url,
        '/v1/events:batch',
        { events: Array.from({ length: 30 }, (_, i) => decision(i)) },
        auth,
      );
      const singles = await Promise.all(
        Array.from({ length: 9 }, (_, i) =>
          postJson(runtime.url, '/v1/logs', decision(30 + i), auth),
        ),
      );
      expect(batch.status).toBe(202);
      expect(singles.map((r) => r.status)).toEqual(Array(9).fill(202));
      for (let i = 0; i < 39; i++) await waitForRecord(runtime.url, runtime.apiKey.key, `evt-${i}`);
      expect(flaky.injected()).toBe(APPS.length);
      // Retried either by the processor (a failed chain is retried record by record in the
      // same call) or by the stream's redelivery, depending on how the batches fell.
      await runtime.stop();

      const chains = await readLedger(dataDir);
      for (const app of APPS) {
        const records = chains.get(app) ?? [];
        expect(records.map((r) => r.seq)).toEqual([...Array(13).keys()]);
        expect(new Set(records.map((r) => r.event_id)).size).toBe(13);
      }
      const report = await verifyDataDir(dataDir);
      expect(report.faults).toEqual([]);
      expect(report).toMatchObject({ ok: true, records: 39, unsigned: 0 });
    },
  );
});
