/**
 * The whole local ingest path, layout v1 against v2 (issue 7: "ingest speed with the new
 * layout stays within 10% of today's"):
 *
 *   node test/bench/ingest.bench.ts [--compare 5] [--events 20000] [--batch 100] [--warmup 2000]
 *
 * Each run is a child process that starts the embedded default in-process (startDevRuntime:
 * HTTP server → durable stream (WAL, fsync) → processBatch with the built-in default policy
 * and its detectors → file ledger → write-once archive) on a fresh data directory, with
 * bodies sealed (v2, the product) or in plaintext (v1, the layout before issue 7). A
 * separate load process POSTs `--events` ~1 KB decision logs to `/v1/events:batch` in
 * batches of `--batch`, 4 requests in flight; the runtime is then stopped (drain, final
 * checkpoint), after `--warmup` events posted, processed and checkpointed first and not
 * counted. The figure is the server process's CPU time (user + system, all threads)
 * from the first request to the end of the stop, per event: the load process's CPU is not
 * counted, and CPU time moves far less than wall time with the machine's load. Runs
 * alternate v1, v2, v1, … so both layouts see the same load; the median ratio is printed.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createPolicyEngine } from '#core/policy/create-engine.ts';
import { defaultPolicy } from '#core/policy/default-policy.ts';
import { startDevRuntime } from '#handlers/wiring/dev-runtime.ts';
import type { LogPort } from '#ports/log.ts';
import { median } from './stats.ts';

const { values } = parseArgs({
  options: {
    compare: { type: 'string', default: '5' },
    events: { type: 'string', default: '20000' },
    batch: { type: 'string', default: '100' },
    layout: { type: 'string' },
    warmup: { type: 'string', default: '2000' },
  },
});
const events = Number(values.events);
const batch = Number(values.batch);
/** Events posted and processed before the measured ones. */
const warmup = Number(values.warmup);

/** The load process: decision logs of ~1 KB, as the append bench's, from 1,000 users. */
const LOAD = `
const [url, key, total, size, first] = process.argv.slice(1);
const filler = 'The applicant meets the minimum score; approval depends on the ratio. '.repeat(11);
const event = (i) => ({
  decision_id: 'dec-' + String(i).padStart(10, '0'),
  application: 'bench-app',
  timestamp: '2025-01-01T00:00:00Z',
  input: { query: filler.slice(0, 700) },
  output: 'approved',
  metadata: { user_id: 'user-' + (i % 1000), model: 'gpt-4', risk_category: 'credit' },
});
let next = Number(first);
const end = Number(first) + Number(total);
const worker = async () => {
  while (next < end) {
    const from = next;
    next = Math.min(end, next + Number(size));
    const body = JSON.stringify({ events: Array.from({ length: next - from }, (_, i) => event(from + i)) });
    const res = await fetch(url + '/v1/events:batch', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body,
    });
    if (res.status !== 202) throw new Error('status ' + res.status + ': ' + (await res.text()));
    await res.arrayBuffer();
  }
};
await Promise.all([worker(), worker(), worker(), worker()]);
`;

const silent: LogPort = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** One run of one layout in this process: CPU µs per event. */
const runOnce = async (layout: 'v1' | 'v2'): Promise<void> => {
  const dataDir = await mkdtemp(join(tmpdir(), 'ingest-bench-'));
  try {
    const runtime = await startDevRuntime({
      dataDir,
      port: 0,
      apiKey: 'ingest-bench-key-0123456789abcdef',
      log: silent,
      policy: createPolicyEngine(defaultPolicy()),
      checkpointIntervalMs: 3_600_000,
      fairnessReview: false,
      ingestLayout: layout,
    });
    const post = async (count: number, first: number): Promise<void> => {
      const load = spawn(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          LOAD,
          runtime.url,
          runtime.apiKey.key,
          String(count),
          String(batch),
          String(first),
        ],
        { stdio: ['ignore', 'inherit', 'inherit'] },
      );
      const code = await new Promise<number | null>((done) => load.once('exit', done));
      if (code !== 0) throw new Error(`load process exited ${code}`);
    };
    // Warm-up first, not counted (processed and checkpointed): the optimising compiler's
    // background threads would otherwise put start-up work into the per-event figure.
    if (warmup > 0) {
      await post(warmup, events);
      while (runtime.stats().pending > 0) await new Promise((wake) => setTimeout(wake, 20));
      await runtime.checkpoint();
    }
    const started = process.cpuUsage();
    await post(events, 0);
    await runtime.stop();
    const cpu = process.cpuUsage(started);
    console.log(
      `ingest  layout ${layout}, ${events} events over HTTP in batches of ${batch}, default policy: CPU ${((cpu.user + cpu.system) / events).toFixed(1)} µs/event`,
    );
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
};

const childCpu = (layout: 'v1' | 'v2'): number => {
  const args = [fileURLToPath(import.meta.url), '--layout', layout];
  args.push('--events', String(events), '--batch', String(batch), '--warmup', String(warmup));
  const run = spawnSync(process.execPath, args, { encoding: 'utf8' });
  const found = /CPU ([0-9.]+) µs\/event/.exec(run.stdout);
  if (run.status !== 0 || found === null) throw new Error(`bench child failed: ${run.stderr}`);
  return Number(found[1]);
};

if (values.layout === 'v1' || values.layout === 'v2') {
  await runOnce(values.layout);
} else {
  const pairs = Number(values.compare);
  const load = loadavg()[0]?.toFixed(1);
  const ratios: number[] = [];
  for (let i = 0; i < pairs; i++) {
    const v1 = childCpu('v1');
    const v2 = childCpu('v2');
    ratios.push(v2 / v1);
    console.log(
      `pair ${i + 1}: ingest CPU v1 ${v1.toFixed(1)} µs/event, v2 ${v2.toFixed(1)} µs/event (v2/v1 ${(v2 / v1).toFixed(3)})`,
    );
  }
  console.log(
    `ingest (HTTP → stream → processor → ledger + archive): median v2/v1 CPU per event ${median(ratios).toFixed(3)} over ${pairs} pairs of ${events} events (load average ${load} at start, ${loadavg()[0]?.toFixed(1)} at end); target ≤ 1.10`,
  );
}
