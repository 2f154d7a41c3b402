/**
 * The whole local ingest path, layout v1 against v2 (issue 7: "ingest speed with the new
 * layout stays within 10% of today's"):
 *
 *   node test/bench/ingest.bench.ts [--rounds 12] [--events 4000] [--batch 100] [--warmup 2000]
 *   node test/bench/ingest.bench.ts --compare 4 --events 10000      (the earlier pairs)
 *
 * A runtime is the embedded default started in-process (startDevRuntime: HTTP server →
 * durable stream (WAL, fsync) → processBatch with the built-in default policy and its
 * detectors → file ledger → write-once archive) on a fresh data directory, with bodies
 * sealed (v2, the product) or in plaintext (v1, the layout before issue 7). A separate load
 * process POSTs `--events` ~1 KB decision logs to `/v1/events:batch` in batches of
 * `--batch`, 4 requests in flight. The figure is the runtime process's CPU time (user +
 * system, all threads) from the first request until every event is processed, archived and
 * checkpointed, per event: the load process's CPU is not counted, and CPU time moves far
 * less than wall time with the machine's load. `--warmup` events are posted, processed and
 * checkpointed first and not counted.
 *
 * Rounds (the default): one long-lived child process per layout, each warmed up once; then
 * rounds alternate between them (v1 then v2, then v2 then v1, …), one layout running at a
 * time, each round `--events` events ending in a drain and a checkpoint. A round's ratio is
 * its v2 figure over its v1 figure, taken moments apart under the same load; the median of
 * the rounds' ratios, their quartiles and the ratio of the summed CPU are printed. Each
 * layout keeps a process of its own, so neither runs code the other made polymorphic.
 *
 * With `--together`, each round runs both layouts at the same time (two runtimes, two load
 * processes): each figure then sees the same moment's load, at the price of the two
 * competing with each other for the cores.
 *
 * `--compare N`: N pairs of fresh child processes (v1, then v2), each one run ending in the
 * runtime's stop (drain, final checkpoint). Single pairs swing ±20% on a shared 2-core VM,
 * and so do single rounds: what the rounds add is many figures, each pair taken moments
 * apart by warm processes, in an order that alternates, summed up by a median and its
 * quartiles rather than by four pairs.
 */
import { type ChildProcess, fork, spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createPolicyEngine } from '#core/policy/create-engine.ts';
import { defaultPolicy } from '#core/policy/default-policy.ts';
import { startDevRuntime } from '#handlers/wiring/dev-runtime.ts';
import type { LogPort } from '#ports/log.ts';
import { median } from './stats.ts';

const { values } = parseArgs({
  options: {
    compare: { type: 'string' },
    rounds: { type: 'string', default: '12' },
    events: { type: 'string' },
    batch: { type: 'string', default: '100' },
    layout: { type: 'string' },
    /** Internal: a long-lived child running rounds of this layout on request. */
    serve: { type: 'string' },
    warmup: { type: 'string', default: '2000' },
    together: { type: 'boolean', default: false },
  },
});
const events = Number(values.events ?? (values.compare === undefined ? 4000 : 20000));
const batch = Number(values.batch);
/** Rounds run both layouts at once (each its own load), not one after the other. */
const together = values.together;
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

/** The embedded default on a fresh data directory, in this process. */
const startRuntime = async (layout: 'v1' | 'v2') => {
  const dataDir = await mkdtemp(join(tmpdir(), 'ingest-bench-'));
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
  /** Posts `count` events numbered from `first` from a separate load process. */
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
  /** Until every event taken is processed (archived with it), then a checkpoint. */
  const settle = async (): Promise<void> => {
    while (runtime.stats().pending > 0) await new Promise((wake) => setTimeout(wake, 20));
    await runtime.checkpoint();
  };
  const remove = () => rm(dataDir, { recursive: true, force: true });
  return { runtime, post, settle, remove };
};

const cpuSince = (started: NodeJS.CpuUsage): number => {
  const cpu = process.cpuUsage(started);
  return cpu.user + cpu.system;
};

/** One run of one layout in this process (`--compare`'s child): CPU µs per event. */
const runOnce = async (layout: 'v1' | 'v2'): Promise<void> => {
  const { runtime, post, settle, remove } = await startRuntime(layout);
  try {
    // Warm-up first, not counted (processed and checkpointed): the optimising compiler's
    // background threads would otherwise put start-up work into the per-event figure.
    if (warmup > 0) {
      await post(warmup, events);
      await settle();
    }
    const started = process.cpuUsage();
    await post(events, 0);
    await runtime.stop();
    console.log(
      `ingest  layout ${layout}, ${events} events over HTTP in batches of ${batch}, default policy: CPU ${(cpuSince(started) / events).toFixed(1)} µs/event`,
    );
  } finally {
    await remove();
  }
};

/** Pause time of full (mark-compact) collections so far in this process, ms: reported
 * beside each round, as one can land in either layout's round and move its figure. */
let majorGcMs = 0;

/** A rounds child: warms up, then runs a round per message, answering its CPU µs/event. */
const serve = async (layout: 'v1' | 'v2'): Promise<void> => {
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const { kind } = (entry as unknown as { detail: { kind: number } }).detail;
      if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) majorGcMs += entry.duration;
    }
  }).observe({ entryTypes: ['gc'] });
  const { runtime, post, settle, remove } = await startRuntime(layout);
  let next = 0;
  if (warmup > 0) {
    await post(warmup, next);
    next += warmup;
    await settle();
  }
  process.send?.({ ready: true });
  process.on('message', async (message: { round?: number; stop?: boolean }) => {
    if (message.stop) {
      await runtime.stop();
      await remove();
      process.disconnect();
      return;
    }
    const majorBefore = majorGcMs;
    const started = process.cpuUsage();
    await post(events, next);
    next += events;
    await settle();
    process.send?.({ cpu: cpuSince(started) / events, majorGcMs: majorGcMs - majorBefore });
  });
};

const childCpu = (layout: 'v1' | 'v2'): number => {
  const args = [fileURLToPath(import.meta.url), '--layout', layout];
  args.push('--events', String(events), '--batch', String(batch), '--warmup', String(warmup));
  const run = spawnSync(process.execPath, args, { encoding: 'utf8' });
  const found = /CPU ([0-9.]+) µs\/event/.exec(run.stdout);
  if (run.status !== 0 || found === null) throw new Error(`bench child failed: ${run.stderr}`);
  return Number(found[1]);
};

/** A rounds child's answer: CPU µs per event, and full-collection pauses in ms. */
interface Answer {
  readonly cpu: number;
  readonly majorGcMs: number;
}

/** The next message of a rounds child. */
const reply = <T>(child: ChildProcess): Promise<T> =>
  new Promise((resolve, reject) => {
    const failed = (code: number | null) => reject(new Error(`bench child exited ${code}`));
    child.once('exit', failed);
    child.once('message', (message) => {
      child.off('exit', failed);
      resolve(message as T);
    });
  });

/** The value at quantile `q` of a sorted sample (linear between neighbours). */
const quantile = (sorted: readonly number[], q: number): number => {
  const at = (sorted.length - 1) * q;
  const low = sorted[Math.floor(at)] as number;
  const high = sorted[Math.ceil(at)] as number;
  return low + (high - low) * (at - Math.floor(at));
};

const compareRounds = async (rounds: number): Promise<void> => {
  const load = loadavg()[0]?.toFixed(1);
  const args = ['--events', String(events), '--batch', String(batch), '--warmup', String(warmup)];
  const children = {
    v1: fork(fileURLToPath(import.meta.url), ['--serve', 'v1', ...args]),
    v2: fork(fileURLToPath(import.meta.url), ['--serve', 'v2', ...args]),
  };
  try {
    // Warm-ups one after the other: each child's round then finds the other idle.
    await reply(children.v1);
    await reply(children.v2);
    const cpu = { v1: [] as number[], v2: [] as number[] };
    const gc = { v1: [] as number[], v2: [] as number[] };
    const ratios: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? (['v1', 'v2'] as const) : (['v2', 'v1'] as const);
      if (together) {
        const answers = order.map((layout) => reply<Answer>(children[layout]));
        for (const layout of order) children[layout].send({ round });
        const [first, second] = (await Promise.all(answers)) as [Answer, Answer];
        cpu[order[0]].push(first.cpu);
        cpu[order[1]].push(second.cpu);
        gc[order[0]].push(first.majorGcMs);
        gc[order[1]].push(second.majorGcMs);
      } else {
        for (const layout of order) {
          const answer = reply<Answer>(children[layout]);
          children[layout].send({ round });
          const { cpu: us, majorGcMs } = await answer;
          cpu[layout].push(us);
          gc[layout].push(majorGcMs);
        }
      }
      const [v1, v2] = [cpu.v1[round] as number, cpu.v2[round] as number];
      ratios.push(v2 / v1);
      console.log(
        `round ${round + 1} (${together ? 'together' : order.join(', ')}): ingest CPU v1 ${v1.toFixed(1)} µs/event, v2 ${v2.toFixed(1)} µs/event (v2/v1 ${(v2 / v1).toFixed(3)}); full-GC pauses v1 ${gc.v1[round]?.toFixed(0)} ms, v2 ${gc.v2[round]?.toFixed(0)} ms`,
      );
    }
    const sorted = [...ratios].sort((a, b) => a - b);
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    console.log(
      `ingest (HTTP → stream → processor → ledger + archive + checkpoint), ${rounds} ${together ? 'simultaneous' : 'alternating'} rounds of ${events} events per layout: ` +
        `v1 ${median(cpu.v1).toFixed(1)}, v2 ${median(cpu.v2).toFixed(1)} µs/event (medians); ` +
        `v2/v1 per round: median ${median(ratios).toFixed(3)}, quartiles ${quantile(sorted, 0.25).toFixed(3)}–${quantile(sorted, 0.75).toFixed(3)}, ` +
        `range ${(sorted[0] as number).toFixed(3)}–${(sorted.at(-1) as number).toFixed(3)}; summed CPU ${(sum(cpu.v2) / sum(cpu.v1)).toFixed(3)} ` +
        `(load average ${load} at start, ${loadavg()[0]?.toFixed(1)} at end); target ≤ 1.10`,
    );
  } finally {
    for (const child of Object.values(children)) {
      if (child.connected) child.send({ stop: true });
    }
    await Promise.all(
      Object.values(children).map((child) =>
        child.exitCode === null ? new Promise((done) => child.once('exit', done)) : undefined,
      ),
    );
  }
};

if (values.serve === 'v1' || values.serve === 'v2') {
  await serve(values.serve);
} else if (values.layout === 'v1' || values.layout === 'v2') {
  await runOnce(values.layout);
} else if (values.compare === undefined) {
  await compareRounds(Number(values.rounds));
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
