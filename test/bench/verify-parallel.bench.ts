/**
 * Parallel verify on an archive of many chains: the one-thread rate (`--workers 1`) and the
 * rate with one thread per core (the main thread and cores - 1 workers), each in a fresh
 * child process (peak RSS is the child's, all workers included; CPU time is all threads').
 *
 *   node test/bench/verify-parallel.bench.ts [chains=32] [records per chain=25000]
 *
 * Target: parallel ≥ 0.8 × cores × one-thread rate (cores = os.availableParallelism()).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadOrCreateEd25519Signer } from '#adapters/local/ed25519-signer.ts';
import { openFileArchive } from '#adapters/local/file-archive.ts';
import { checkpointKey, keyFile, segmentKey } from '#core/archive/layout.ts';
import { checkpointOrigin, DEFAULT_LOG_NAME, formatCheckpoint } from '#core/chain/checkpoint.ts';
import { sealRecord } from '#core/chain/hash.ts';
import { createTreeBuilder } from '#core/chain/merkle.ts';
import { signNote } from '#core/chain/note.ts';
import { GENESIS_PREV } from '#core/chain/record.ts';
import { lineOf } from '#test/helpers/archive-builder.ts';
import { verifyLocation } from '../../bin/commands/verify.ts';
import type { ThreadCpu } from '../../bin/commands/verify-parallel.ts';
import { threadSched } from '../../bin/commands/verify-thread-cpu.ts';
import { sampleEvent } from './sample-event.ts';

const SEGMENT_RECORDS = 10_000;

const build = async (dir: string, chains: number, perChain: number): Promise<void> => {
  const archive = openFileArchive(join(dir, 'archive'));
  const signer = await loadOrCreateEd25519Signer(join(dir, 'signer'));
  await archive.put(keyFile(signer.keyName), Buffer.from(`${await signer.verifierKey()}\n`));
  for (let c = 0; c < chains; c++) {
    const chain = `app-${c.toString().padStart(3, '0')}`;
    const tree = createTreeBuilder();
    let prev = GENESIS_PREV;
    for (let from = 0; from < perChain; from += SEGMENT_RECORDS) {
      const lines: string[] = [];
      for (let seq = from; seq < Math.min(perChain, from + SEGMENT_RECORDS); seq++) {
        const at = new Date(1_735_689_600_000 + seq * 1000).toISOString();
        const record = sealRecord(
          {
            chain,
            seq,
            kind: 'inference',
            event_id: `${chain}-${seq}`,
            ingested_at: at,
            policy: { version: 'none', decision: 'pass', findings: [] },
            prev,
          },
          sampleEvent(seq, chain),
        );
        prev = record.hash;
        tree.pushRecordHash(record.hash);
        lines.push(`${lineOf(record)}\n`);
      }
      await archive.put(segmentKey(chain, from), Buffer.from(lines.join('')));
    }
    const text = formatCheckpoint({
      origin: checkpointOrigin(DEFAULT_LOG_NAME, chain),
      size: tree.size,
      root: tree.root(),
    });
    await archive.put(checkpointKey(chain, tree.size), Buffer.from(await signNote(text, signer)));
  }
};

/** CPU time (µs) of each thread of this process that is still alive, by thread id, with its
 * name (Linux; empty elsewhere). Node's worker threads are gone by the end of a verify, so
 * what is left besides the main thread are V8's helper threads (GC, compiler: named `node`
 * too) and libuv's (`libuv-worker`: file reads). */
const taskCpu = (): Map<string, { name: string; micros: number }> => {
  const tasks = new Map<string, { name: string; micros: number }>();
  try {
    for (const tid of readdirSync('/proc/self/task')) {
      const name = readFileSync(`/proc/self/task/${tid}/comm`, 'latin1').trim();
      const run = readFileSync(`/proc/self/task/${tid}/schedstat`, 'latin1').split(' ')[0];
      tasks.set(tid, { name, micros: Number(run) / 1000 });
    }
  } catch {
    // Not Linux: no per-thread figures.
  }
  return tasks;
};

/** This process's helper threads' CPU time since `before`, in s: libuv's and the rest. */
const helperCpu = (
  before: Map<string, { name: string; micros: number }>,
  mainTid: string,
): { libuv: number; v8: number } => {
  const sum = { libuv: 0, v8: 0 };
  for (const [tid, { name, micros }] of taskCpu()) {
    if (tid === mainTid) continue;
    const spent = (micros - (before.get(tid)?.micros ?? 0)) / 1e6;
    if (name === 'libuv-worker') sum.libuv += spent;
    else sum.v8 += spent;
  }
  return sum;
};

const child = async (archiveDir: string, workers: number): Promise<void> => {
  const mainTid = realpathSync('/proc/thread-self').split('/').pop() ?? '';
  const tasksBefore = taskCpu();
  const schedBefore = threadSched();
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const mainBefore = process.threadCpuUsage();
  let threads: readonly ThreadCpu[] = [];
  const report = await verifyLocation(archiveDir, {
    workers,
    onThreads: (t) => {
      threads = t;
    },
  });
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const main = process.threadCpuUsage(mainBefore);
  const schedAfter = threadSched();
  const figures = {
    helpers: helperCpu(tasksBefore, mainTid),
    ...(schedBefore && schedAfter
      ? {
          mainRunSeconds: (schedAfter.runMicros - schedBefore.runMicros) / 1e6,
          mainQueueSeconds: (schedAfter.queueMicros - schedBefore.queueMicros) / 1e6,
          mainBlocks: schedAfter.blocks - schedBefore.blocks,
        }
      : {}),
    mainThreadCpuSeconds: (main.user + main.system) / 1e6,
    threads,
    ok: report.ok,
    records: report.records,
    seconds,
    // Every thread's CPU: what parallelism costs beyond the one-thread work.
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    maxRssKb: process.resourceUsage().maxRSS,
  };
  console.log(JSON.stringify(figures));
};

const run = (archiveDir: string, workers: number) => {
  const out = execFileSync(
    process.execPath,
    [fileURLToPath(import.meta.url), '--child', archiveDir, String(workers)],
    { encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  return JSON.parse(out.trim().split('\n').pop() as string) as {
    ok: boolean;
    records: number;
    seconds: number;
    cpuSeconds: number;
    mainThreadCpuSeconds: number;
    maxRssKb: number;
    threads: readonly ThreadCpu[];
    helpers: { libuv: number; v8: number };
    mainRunSeconds?: number;
    mainQueueSeconds?: number;
    mainBlocks?: number;
  };
};

const main = async (): Promise<void> => {
  const args = process.argv.slice(2);
  if (args[0] === '--child') return child(args[1] as string, Number(args[2]));
  const [chains = 32, perChain = 25_000] = args.filter((a) => /^\d+$/.test(a)).map(Number);
  const cores = availableParallelism();
  // VERIFY_BENCH_ARCHIVE=dir keeps the archive there (built once) for repeated runs.
  const kept = process.env.VERIFY_BENCH_ARCHIVE;
  const dir = kept ?? (await mkdtemp(join(tmpdir(), 'verify-parallel-bench-')));
  try {
    const t0 = performance.now();
    if (kept === undefined || !existsSync(join(kept, 'archive'))) {
      await build(dir, chains, perChain);
    }
    console.log(
      `built ${chains} chains × ${perChain} records in ${((performance.now() - t0) / 1000).toFixed(1)} s; ${cores} cores`,
    );
    const one = run(join(dir, 'archive'), 1);
    const all = run(join(dir, 'archive'), cores);
    const oneRate = Math.round(one.records / one.seconds);
    const allRate = Math.round(all.records / all.seconds);
    const target = Math.round(0.8 * cores * oneRate);
    console.log(
      `verify, 1 thread: ${one.records} records in ${one.seconds.toFixed(2)} s = ${oneRate} records/s, ${one.cpuSeconds.toFixed(2)} CPU-s; peak RSS ${(one.maxRssKb / 1024).toFixed(1)} MB`,
    );
    console.log(
      `verify, ${cores} workers: ${all.records} records in ${all.seconds.toFixed(2)} s = ${allRate} records/s (${(allRate / oneRate).toFixed(2)}× one thread, ${all.cpuSeconds.toFixed(2)} CPU-s in all threads; target ≥ ${target} = 0.8 × ${cores} × one thread); peak RSS ${(all.maxRssKb / 1024).toFixed(1)} MB`,
    );
    // Scaling from CPU time alone (what the load on a shared machine cannot distort): the
    // one-thread run's verifying thread against the busiest thread of the parallel run (the
    // critical path if each thread had a core). The serial part is the main thread's CPU
    // outside chains (listing, keys, indexes, merging); a worker's start-up is its own.
    const ms = (us: number): string => `${(us / 1000).toFixed(0)} ms`;
    const s2 = (seconds: number): string => `${seconds.toFixed(2)} s`;
    // Where the wall time goes: each thread on a core, runnable but waiting for one
    // (preempted), awaiting reads, waiting for a chain, and idle at the end while others
    // finish; the helper threads (V8's GC and compiler, libuv's reads) take cores too.
    const helpers = (run: typeof one): string =>
      `helper threads ${s2(run.helpers.v8)} CPU (V8) + ${s2(run.helpers.libuv)} (libuv reads)`;
    if (one.mainRunSeconds !== undefined && one.mainQueueSeconds !== undefined) {
      console.log(
        `  one thread's wall ${s2(one.seconds)}: on a core ${s2(one.mainRunSeconds)}, preempted ${s2(one.mainQueueSeconds)}, blocked ${s2(one.seconds - one.mainRunSeconds - one.mainQueueSeconds)} (${one.mainBlocks} times); ${helpers(one)}`,
      );
    }
    const end = Math.max(...all.threads.map((t) => t.times.finishedAt));
    for (const t of all.threads) {
      const x = t.times;
      const wall = x.finishedAt - x.startedAt;
      const sched =
        x.runMicros === undefined || x.queueMicros === undefined
          ? ''
          : `, on a core ${ms(x.runMicros)}, preempted ${ms(x.queueMicros)}, blocked ${ms(wall - x.runMicros - x.queueMicros)} (${x.blocks} times; reads ${ms(x.readWaitMicros)}, waiting for a chain ${ms(x.workWaitMicros)})`;
      console.log(
        `  thread ${t.thread}: ${t.chains} chains, ${ms(t.totalMicros)} CPU, of which ${t.thread === 0 ? 'outside chains (serial)' : 'start-up'} ${ms(t.startupMicros)}; wall ${ms(wall)}${sched}, idle at the end ${ms(end - x.finishedAt)}`,
      );
    }
    console.log(`  ${helpers(all)}`);
    const threadSum = all.threads.reduce((s, t) => s + t.totalMicros, 0) / 1e6;
    const serial = (all.threads[0]?.startupMicros ?? 0) / 1e6;
    const startup = all.threads.slice(1).reduce((s, t) => s + t.startupMicros, 0) / 1e6;
    const busiest = Math.max(...all.threads.map((t) => t.totalMicros)) / 1e6;
    // Balanced: the parallel work spread evenly over the cores (chains are handed out as
    // threads come free, so an unloaded machine approaches it); observed: the busiest thread
    // of this run (on a loaded machine threads get uneven shares of the cores).
    const balanced = one.mainThreadCpuSeconds / (serial + (threadSum - serial) / cores);
    const observed = one.mainThreadCpuSeconds / busiest;
    console.log(
      `  verifying-thread CPU: one thread ${one.mainThreadCpuSeconds.toFixed(2)} s; ${cores} threads ${threadSum.toFixed(2)} s in all (+${((100 * (threadSum - one.mainThreadCpuSeconds)) / one.mainThreadCpuSeconds).toFixed(1)}%), serial ${serial.toFixed(3)} s (${((100 * serial) / threadSum).toFixed(1)}%), worker start-up ${startup.toFixed(3)} s, busiest thread ${busiest.toFixed(2)} s`,
    );
    console.log(
      `  scaling bound from CPU: ${balanced.toFixed(2)}× balanced, ${observed.toFixed(2)}× with this run's split (target ${(0.8 * cores).toFixed(1)}×); load average ${loadavg()[0]?.toFixed(1)}`,
    );
    if (!one.ok || !all.ok || all.records !== chains * perChain) process.exitCode = 1;
  } finally {
    if (kept === undefined) await rm(dir, { recursive: true, force: true });
  }
};

await main();
