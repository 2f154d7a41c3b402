/**
 * Verifies an archive's chains in parallel on worker threads (verify-worker.ts), one chain at
 * a time per worker, handed out as workers come free; memory stays flat per worker. The
 * coordinator loads the keys and the signed index once, reports their faults once, and
 * merges the per-chain reports in chain order, so the result is the same as verifying in
 * one thread.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { chainsPrefix, decodeChain, encodeChain } from '#core/archive/layout.ts';
import { loadIndexes } from '#core/verify/chain-index.ts';
import { loadTrustedKeys } from '#core/verify/checkpoints.ts';
import { FaultLog, type PurgedRange, type VerifyReport } from '#core/verify/report.ts';
import {
  type ArchiveReader,
  finishReport,
  type VerifyOptions,
} from '#core/verify/verify-archive.ts';
import type { ArchiveLocationOptions } from './archive-location.ts';
import type { WorkerInput, WorkerReply } from './verify-worker.ts';

export interface ParallelOptions {
  /** @default os.availableParallelism() */
  readonly workers?: number;
}

/** The chain directories under `chains/`, in listing order. */
const chainDirs = async (reader: ArchiveReader): Promise<string[]> => {
  const dirs = new Set<string>();
  for await (const key of reader.list(chainsPrefix)) dirs.add(key.split('/')[1] ?? '');
  return [...dirs];
};

const chainOfDir = (dir: string): string | undefined => {
  try {
    const chain = decodeChain(dir);
    return encodeChain(chain) === dir ? chain : undefined;
  } catch {
    return undefined;
  }
};

export const verifyInParallel = async (
  reader: ArchiveReader,
  location: string,
  options: VerifyOptions & ArchiveLocationOptions & ParallelOptions,
): Promise<VerifyReport> => {
  const faults = new FaultLog();
  const keys = await loadTrustedKeys(reader, options.publicKey, faults);
  const index = await loadIndexes(reader, keys, faults);
  const dirs = await chainDirs(reader);
  const results: (VerifyReport | undefined)[] = dirs.map(() => undefined);
  const input: WorkerInput = {
    location,
    ...(options.endpointUrl === undefined ? {} : { endpointUrl: options.endpointUrl }),
    ...(options.region === undefined ? {} : { region: options.region }),
    keys,
    heads: index.heads,
    ...(options.witnessKeys === undefined ? {} : { witnessKeys: options.witnessKeys }),
    ...(options.minWitnesses === undefined ? {} : { minWitnesses: options.minWitnesses }),
  };
  const count = Math.max(1, Math.min(options.workers ?? availableParallelism(), dirs.length));
  let next = 0;
  let records = 0;
  let bytes = 0;
  const runWorker = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const worker = new Worker(new URL('./verify-worker.ts', import.meta.url), {
        workerData: input,
      });
      let current = -1;
      const give = (): void => {
        if (next >= dirs.length) {
          void worker.terminate().then(() => resolve());
          return;
        }
        current = next++;
        worker.postMessage(dirs[current]);
      };
      worker.on('message', (reply: WorkerReply) => {
        if (reply.type === 'ready') return give();
        results[current] = reply.report;
        records += reply.report.records;
        bytes += reply.report.bytes;
        options.onProgress?.({
          records,
          bytes,
          ...(options.totalBytes === undefined ? {} : { totalBytes: options.totalBytes }),
        });
        give();
      });
      worker.once('error', reject);
    });
  await Promise.all(Array.from({ length: count }, runWorker));

  const purged: PurgedRange[] = [];
  const usedKeys = new Set<string>();
  let chains = 0;
  let checkpoints = 0;
  let unsigned = 0;
  let sealed = 0;
  for (const report of results) {
    if (!report) continue;
    chains += report.chains;
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
      pinned: keys.pinned,
      usedKeys,
      purged,
      sealed,
    },
  );
};
