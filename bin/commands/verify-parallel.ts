/**
 * Verifies an archive's chains in parallel: the main thread and `workers - 1` worker threads
 * (verify-worker.ts; or `workers` of them when the main thread only coordinates) each take
 * the next chain directory from a shared counter as they come free, largest chains first so
 * no thread is left with a long one at the end. Workers start loading while the
 * coordinator reads the keys, indexes and holds once (reporting their faults once); each
 * chain costs one message each way and a small report back, and memory stays that of one
 * chain per thread. The per-chain reports are merged in listing order, so the result is the
 * same as verifying in one thread.
 */

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { chainsPrefix, decodeChain, encodeChain } from '#core/archive/layout.ts';
import { wantsChain } from '#core/verify/applications.ts';
import { type IndexView, loadIndexes } from '#core/verify/chain-index.ts';
import { loadTrustedKeys } from '#core/verify/checkpoints.ts';
import { FaultLog, type PurgedRange, type VerifyReport } from '#core/verify/report.ts';
import { loadActiveHolds } from '#core/verify/sealed-bodies.ts';
import {
  type ArchiveReader,
  finishReport,
  type VerifyOptions,
  witnessRule,
} from '#core/verify/verify-archive.ts';
import type { ArchiveLocationOptions } from './archive-location.ts';
import { type ChainJobSetup, takeChain, verifyChainDir } from './verify-chain-dir.ts';
import { clockMicros, ThreadClock, type ThreadTimes, threadCpu } from './verify-thread-cpu.ts';
import type { WorkerInput, WorkerReply, WorkerRequest } from './verify-worker.ts';
import { workerEntry } from './worker-bundle.ts';

export interface ParallelOptions {
  /** Threads verifying chains, the main one included. @default os.availableParallelism() */
  readonly workers?: number;
  /** Directory of the local body-key store, so worker threads can open it themselves (an
   * open `bodyKeys` port cannot cross threads). Without it, body keys keep verify on the
   * main thread. */
  readonly bodyKeysDir?: string;
  /** Whether the main thread verifies chains too. false: it only coordinates, and stays
   * free for other work (a server answering while it verifies). @default true */
  readonly mainThread?: boolean;
  /** Called as each chain directory is done, with the thread that verified it (0: main). */
  readonly onChain?: (dir: string, thread: number) => void;
  /** Called once at the end with each thread's CPU time (the bench's scaling figures). */
  readonly onThreads?: (threads: readonly ThreadCpu[]) => void;
}

/** One thread's CPU and wall time in a parallel verify, in µs. Thread 0 is the main thread:
 * its `startupMicros` is what it spent outside verifying chains (listing, keys, indexes,
 * merging: the serial part). A worker's `startupMicros` is its start-up until it could take a
 * chain. `times`: where its wall time went, from the start of the verify (a worker: from when
 * it was asked for) to its last chain. */
export interface ThreadCpu {
  readonly thread: number;
  readonly chains: number;
  readonly startupMicros: number;
  readonly totalMicros: number;
  readonly times: ThreadTimes;
}

/** The chain directories under `chains/`, in listing order, with their number of objects. */
const chainDirs = async (reader: ArchiveReader): Promise<Map<string, number>> => {
  const dirs = new Map<string, number>();
  for await (const key of reader.list(chainsPrefix)) {
    const dir = key.split('/')[1] ?? '';
    dirs.set(dir, (dirs.get(dir) ?? 0) + 1);
  }
  return dirs;
};

const chainOfDir = (dir: string): string | undefined => {
  try {
    const chain = decodeChain(dir);
    return encodeChain(chain) === dir ? chain : undefined;
  } catch {
    return undefined;
  }
};

/** Indexes of `sizes` in the order chains are handed out: most objects first. */
export const handOutOrder = (sizes: readonly number[]): number[] =>
  sizes.map((_, i) => i).sort((a, b) => (sizes[b] ?? 0) - (sizes[a] ?? 0) || a - b);

export const verifyInParallel = async (
  reader: ArchiveReader,
  location: string,
  options: VerifyOptions & ArchiveLocationOptions & ParallelOptions,
): Promise<VerifyReport> => {
  const mainCpuAtStart = threadCpu();
  const clock = new ThreadClock();
  const listed = await chainDirs(reader);
  const all = [...listed.keys()];
  const wanted = options.chains;
  // A directory that names no chain properly is verified (and reported) whatever the filter.
  const dirs =
    wanted === undefined
      ? all
      : all.filter((dir) => {
          const chain = chainOfDir(dir);
          return chain === undefined || wantsChain(wanted, chain);
        });
  const order = handOutOrder(dirs.map((dir) => listed.get(dir) ?? 0));
  const threads = Math.max(1, Math.min(options.workers ?? availableParallelism(), dirs.length));
  const workersAllowed = options.bodyKeys === undefined || options.bodyKeysDir !== undefined;
  const input = {
    location,
    ...(options.endpointUrl === undefined ? {} : { endpointUrl: options.endpointUrl }),
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.bodyKeysDir === undefined ? {} : { bodyKeysDir: options.bodyKeysDir }),
  };
  const faults = new FaultLog();
  const loadSetup = async (): Promise<{ setup: ChainJobSetup; index: IndexView }> => {
    const keys = await loadTrustedKeys(reader, options.publicKey, faults);
    const index = await loadIndexes(reader, keys, faults, witnessRule(options));
    const setup: ChainJobSetup = {
      keys,
      heads: index.heads,
      ...(options.bodyKeys === undefined ? {} : { holds: await loadActiveHolds(reader) }),
      ...(options.witnessKeys === undefined ? {} : { witnessKeys: options.witnessKeys }),
      ...(options.minWitnesses === undefined ? {} : { minWitnesses: options.minWitnesses }),
    };
    return { setup, index };
  };

  const results: (VerifyReport | undefined)[] = dirs.map(() => undefined);
  // Shared with the workers: each thread takes the next chain itself, so none waits for
  // the main thread (busy verifying a chain) to hand one out.
  const next = new Int32Array(new SharedArrayBuffer(4));
  let records = 0;
  let bytes = 0;
  const take = (): number | undefined => takeChain(next, order);
  const done = (i: number, report: VerifyReport, thread: number): void => {
    results[i] = report;
    records += report.records;
    bytes += report.bytes;
    options.onChain?.(dirs[i] as string, thread);
    options.onProgress?.({
      records,
      bytes,
      ...(options.totalBytes === undefined ? {} : { totalBytes: options.totalBytes }),
    });
  };
  /** A worker, started before the setup is loaded: it takes a few hundred ms to load its
   * modules, time the coordinator spends reading keys and indexes. */
  const cpu: ThreadCpu[] = [];
  const startWorker = (
    entry: URL,
    thread: number,
    loaded: Promise<{ setup: ChainJobSetup }>,
  ): { worker: Worker; finished: Promise<void> } => {
    const worker = new Worker(entry, {
      workerData: {
        ...input,
        dirs,
        order,
        next,
        startedAt: clockMicros(),
      } satisfies WorkerInput,
    });
    const finished = new Promise<void>((resolve, reject) => {
      let chains = 0;
      let startupMicros = 0;
      worker.on('message', (reply: WorkerReply) => {
        if (reply.type === 'done') {
          chains += 1;
          done(reply.index, reply.report, thread);
        } else if (reply.type === 'finished') {
          cpu.push({
            thread,
            chains,
            startupMicros,
            totalMicros: reply.cpuMicros,
            times: reply.times,
          });
          void worker.terminate().then(() => resolve());
        } else {
          startupMicros = reply.cpuMicros;
        }
      });
      worker.once('error', reject);
      // Sent as soon as it is loaded, not in answer to the worker's 'ready': by then this
      // thread may be verifying a chain and read that message only after it.
      loaded.then(({ setup }) => {
        worker.postMessage({ type: 'setup', setup } satisfies WorkerRequest);
      }, reject);
    });
    // Awaited after the setup is loaded; a worker failing before that must not go unhandled.
    finished.catch(() => undefined);
    return { worker, finished };
  };

  const onMain = options.mainThread !== false || !workersAllowed;
  const workerCount = workersAllowed ? (onMain ? threads - 1 : threads) : 0;
  // Keys and indexes load while the worker bundle is checked (or built); a failure is
  // thrown where `loading` is awaited below, not reported unhandled meanwhile.
  const loading = loadSetup();
  void loading.catch(() => undefined);
  const entry =
    workerCount > 0 ? await workerEntry(new URL('./verify-worker.ts', import.meta.url)) : undefined;
  const workers =
    entry === undefined
      ? []
      : Array.from({ length: workerCount }, (_, n) => startWorker(entry, n + 1, loading));
  try {
    const { setup, index } = await loading;
    let mainChains = 0;
    let mainChainMicros = 0;
    let mainTimes: ThreadTimes | undefined;
    const runMain = async (): Promise<void> => {
      if (onMain) {
        for (let i = take(); i !== undefined; i = take()) {
          // Approximate: other threads' messages are handled while this chain awaits its reads.
          const before = threadCpu();
          const report = await verifyChainDir(
            reader,
            dirs[i] as string,
            setup,
            options.bodyKeys,
            clock,
          );
          mainChainMicros += threadCpu() - before;
          mainChains += 1;
          done(i, report, 0);
        }
      }
      mainTimes = clock.times();
    };
    await Promise.all([runMain(), ...workers.map((w) => w.finished)]);
    const report = await merge(reader, all, results, index, setup.keys.pinned, faults);
    if (options.onThreads) {
      const mainMicros = threadCpu() - mainCpuAtStart;
      options.onThreads([
        {
          thread: 0,
          chains: mainChains,
          startupMicros: mainMicros - mainChainMicros,
          totalMicros: mainMicros,
          times: mainTimes as ThreadTimes,
        },
        ...cpu.sort((a, b) => a.thread - b.thread),
      ]);
    }
    return report;
  } finally {
    await Promise.all(workers.map(({ worker }) => worker.terminate()));
  }
};

/** The per-chain reports merged, in listing order, into the archive's report (`dirs`: every
 * chain directory listed, verified or not). */
const merge = (
  reader: ArchiveReader,
  dirs: readonly string[],
  results: readonly (VerifyReport | undefined)[],
  index: IndexView,
  pinned: VerifyReport['pinned'],
  faults: FaultLog,
): Promise<VerifyReport> => {
  const purged: PurgedRange[] = [];
  const usedKeys = new Set<string>();
  let chains = 0;
  let checkpoints = 0;
  let unsigned = 0;
  let sealed = 0;
  let records = 0;
  let bytes = 0;
  for (const report of results) {
    if (!report) continue;
    chains += report.chains;
    records += report.records;
    bytes += report.bytes;
    checkpoints += report.checkpoints;
    unsigned += report.unsigned;
    sealed += report.sealed ?? 0;
    purged.push(...report.purged);
    for (const k of report.key?.split(', ') ?? []) usedKeys.add(k);
    for (const f of report.faults) faults.add(f.chain, f.seq, f.kind, f.detail);
    faults.omitted += report.faultsOmitted;
  }
  return finishReport(
    reader,
    true,
    index,
    new Set(dirs.flatMap((dir) => chainOfDir(dir) ?? [])),
    faults,
    {
      chains,
      records,
      checkpoints,
      unsigned,
      bytes,
      pinned,
      usedKeys,
      purged,
      sealed,
    },
  );
};
