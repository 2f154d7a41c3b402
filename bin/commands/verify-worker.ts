/**
 * A worker of verify-parallel.ts. It starts loading its modules at once and opens the archive
 * (and the body-key store, from its directory: an open port cannot cross threads) itself,
 * while the coordinator reads keys and indexes. Once it has the setup it takes chain
 * directories from the shared counter (`takeChain`) until none is left, answering one small
 * report per chain: it never waits for the coordinator, whose thread verifies chains too.
 */
import { setFlagsFromString } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import type { VerifyReport } from '#core/verify/report.ts';
import { openArchiveReader } from './archive-location.ts';
import { type ChainJobSetup, takeChain, verifyChainDir } from './verify-chain-dir.ts';
import { clockMicros, ThreadClock, type ThreadTimes, threadCpu } from './verify-thread-cpu.ts';

export interface WorkerInput {
  readonly location: string;
  readonly endpointUrl?: string;
  readonly region?: string;
  /** Directory of the local body-key store (`--body-keys`). */
  readonly bodyKeysDir?: string;
  /** The chain directories, and the order they are handed out in (indexes into `dirs`). */
  readonly dirs: readonly string[];
  readonly order: readonly number[];
  /** One Int32 on a SharedArrayBuffer: the position in `order` of the next chain to take. */
  readonly next: Int32Array;
  /** When the coordinator asked for this worker, on `clockMicros`. */
  readonly startedAt: number;
}

/** Coordinator → worker: the setup, once. */
export interface WorkerRequest {
  readonly type: 'setup';
  readonly setup: ChainJobSetup;
}

/** `cpuMicros`: this thread's CPU time so far (start-up at 'ready'), for the figures of
 * `ParallelOptions.onThreads`; `index`: the chain's index in `dirs`. */
export type WorkerReply =
  | { readonly type: 'ready'; readonly cpuMicros: number }
  | {
      readonly type: 'done';
      readonly index: number;
      readonly report: VerifyReport;
      readonly cpuMicros: number;
    }
  | { readonly type: 'finished'; readonly cpuMicros: number; readonly times: ThreadTimes };

if (parentPort) {
  const port = parentPort;
  const input = workerData as WorkerInput;
  const clock = new ThreadClock(input.startedAt, true);
  setFlagsFromString('--semi-space-growth-factor=1');
  // The verifier is done with each chunk before it asks for the next.
  const reader = await openArchiveReader(input.location, {
    ...(input.endpointUrl === undefined ? {} : { endpointUrl: input.endpointUrl }),
    ...(input.region === undefined ? {} : { region: input.region }),
    reuseChunks: true,
  });
  const bodyKeys =
    input.bodyKeysDir === undefined
      ? undefined
      : await (await import('#adapters/local/file-body-keys.ts')).openFileBodyKeys(
          input.bodyKeysDir,
        );
  const ready = clockMicros();
  port.once('message', async ({ setup }: WorkerRequest) => {
    clock.workWaitMicros += clockMicros() - ready;
    for (let i = takeChain(input.next, input.order); i !== undefined; ) {
      const report = await verifyChainDir(reader, input.dirs[i] as string, setup, bodyKeys, clock);
      port.postMessage({
        type: 'done',
        index: i,
        report,
        cpuMicros: threadCpu(),
      } satisfies WorkerReply);
      i = takeChain(input.next, input.order);
    }
    port.postMessage({
      type: 'finished',
      cpuMicros: threadCpu(),
      times: clock.times(),
    } satisfies WorkerReply);
  });
  port.postMessage({ type: 'ready', cpuMicros: threadCpu() } satisfies WorkerReply);
}
