/**
 * Purge benchmark: N expired bodies (layout v2, 1 KB decision logs of 1,000 users on 4
 * chains, written through processBatch on the local adapters), then one purge run past
 * their retention: scan, receipts, key destruction.
 *
 *   node test/bench/purge.bench.ts [--records N]
 *
 * Target: 1,000,000 expired bodies purged in under two minutes on the embedded default.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openFileArchive } from '#adapters/local/file-archive.ts';
import { openFileBodyKeys } from '#adapters/local/file-body-keys.ts';
import { openFileLedger } from '#adapters/local/file-ledger.ts';
import type { IntakeEnvelope } from '#core/events/envelope.ts';
import { processBatch } from '#core/pipeline/process-batch.ts';
import { passThroughPolicy } from '#core/policy/engine.ts';
import { createBodySealer } from '#core/retention/body-sealer.ts';
import { runPurge } from '#core/retention/purge.ts';
import { DEFAULT_RETENTION_RULES } from '#core/retention/rules.ts';
import type { LogPort } from '#ports/log.ts';

const { values } = parseArgs({ options: { records: { type: 'string', default: '1000000' } } });
const total = Number(values.records);
const silent: LogPort = { info: () => undefined, warn: () => undefined, error: () => undefined };
const filler = 'The applicant meets the minimum score; approval depends on the ratio. '.repeat(11);
const written = new Date('2025-01-01T00:00:00Z');

const envelopeOf = (i: number): IntakeEnvelope => ({
  v: 1,
  route: 'decision_log',
  request_id: `req-${i}`,
  received_at: written.toISOString(),
  payload: {
    decision_id: `dec-${i.toString().padStart(10, '0')}`,
    application: `bench-app-${i % 4}`,
    input: { query: filler.slice(0, 700) },
    output: 'approved',
    metadata: { user_id: `user-${i % 1000}` },
  },
});

const dir = await mkdtemp(join(tmpdir(), 'purge-bench-'));
try {
  const ledger = await openFileLedger(join(dir, 'ledger'));
  const keys = await openFileBodyKeys(join(dir, 'keys'));
  const archive = openFileArchive(join(dir, 'archive'));
  const sealer = await createBodySealer(DEFAULT_RETENTION_RULES, keys);
  const deps = {
    ledger,
    archive,
    policy: passThroughPolicy,
    alerts: { publish: async () => undefined },
    clock: { now: () => written },
    log: silent,
    sealer,
  };
  const ingestStarted = performance.now();
  for (let from = 0; from < total; from += 1000) {
    const batch = Array.from({ length: Math.min(1000, total - from) }, (_, i) =>
      envelopeOf(from + i),
    );
    await processBatch(batch, deps);
  }
  const ingestMs = performance.now() - ingestStarted;
  const now = new Date('2033-01-01T00:00:00Z');
  const started = performance.now();
  const report = await runPurge(
    { now },
    { ledger, archive, clock: { now: () => now }, keys, log: silent },
  );
  const ms = performance.now() - started;
  if (report.purged !== total) throw new Error(`purged ${report.purged} of ${total}`);
  const rerun = await runPurge(
    { now },
    { ledger, archive, clock: { now: () => now }, keys, log: silent },
  );
  if (rerun.purged !== 0) throw new Error(`a rerun purged ${rerun.purged}`);
  await ledger.close();
  console.log(
    `purge         ${total} expired v2 bodies on ${report.chains.length} chains: ${(ms / 1000).toFixed(1)} s (${Math.round((total / ms) * 1000).toLocaleString('en-US')} bodies/s), ${report.keys_destroyed} keys destroyed; written in ${(ingestMs / 1000).toFixed(1)} s; heap ${Math.round(process.memoryUsage().heapUsed / 2 ** 20)} MB`,
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
