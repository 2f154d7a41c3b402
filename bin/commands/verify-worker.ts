/**
 * A worker of verify-parallel.ts. It starts loading its modules at once and opens the archive
 * (and the body-key store, from its directory: an open port cannot cross threads) itself,
 * while the coordinator reads keys and indexes; it then verifies the chain directories it is
 * sent, one at a time, answering one small report per chain.
 */
import { setFlagsFromString } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import type { VerifyReport } from '#core/verify/report.ts';
import { openArchiveReader } from './archive-location.ts';
import { type ChainJobSetup, verifyChainDir } from './verify-chain-dir.ts';
import { threadCpu } from './verify-thread-cpu.ts';

export interface WorkerInput {
  readonly location: string;
  readonly endpointUrl?: string;
  readonly region?: string;
  /** Directory of the local body-key store (`--body-keys`). */
  readonly bodyKeysDir?: string;
}

/** Coordinator → worker: the setup once, then one chain directory per message. */
export type WorkerRequest =
  | { readonly type: 'setup'; readonly setup: ChainJobSetup }
  | { readonly type: 'chain'; readonly dir: string };

/** `cpuMicros`: this thread's CPU time so far (start-up at 'ready'), for the figures of
 * `ParallelOptions.onThreads`. */
export type WorkerReply =
  | { readonly type: 'ready'; readonly cpuMicros: number }
  | {
      readonly type: 'done';
      readonly dir: string;
      readonly report: VerifyReport;
      readonly cpuMicros: number;
    };

if (parentPort) {
  const port = parentPort;
  const input = workerData as WorkerInput;
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
  let setup: ChainJobSetup | undefined;
  port.on('message', (request: WorkerRequest) => {
    if (request.type === 'setup') {
      setup = request.setup;
      return;
    }
    void verifyChainDir(reader, request.dir, setup as ChainJobSetup, bodyKeys).then((report) =>
      port.postMessage({
        type: 'done',
        dir: request.dir,
        report,
        cpuMicros: threadCpu(),
      } satisfies WorkerReply),
    );
  });
  port.postMessage({ type: 'ready', cpuMicros: threadCpu() } satisfies WorkerReply);
}
