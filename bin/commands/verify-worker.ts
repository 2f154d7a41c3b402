/**
 * A worker of verify-parallel.ts: opens the archive itself and verifies the chain
 * directories it is sent, one at a time, answering one report each.
 */
import { setFlagsFromString } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { chainsPrefix } from '#core/archive/layout.ts';
import type { TrustedKeys } from '#core/verify/checkpoints.ts';
import type { VerifyReport } from '#core/verify/report.ts';
import { type ArchiveReader, verifyArchive } from '#core/verify/verify-archive.ts';
import { openArchiveReader } from './archive-location.ts';

export interface WorkerInput {
  readonly location: string;
  readonly endpointUrl?: string;
  readonly region?: string;
  readonly keys: TrustedKeys;
  readonly heads: ReadonlyMap<string, ReadonlyMap<number, string>>;
  readonly witnessKeys?: readonly string[];
  readonly minWitnesses?: number;
}

export type WorkerReply =
  | { readonly type: 'ready' }
  | { readonly type: 'done'; readonly report: VerifyReport };

/** The archive as seen when verifying one chain directory: `chains/` lists only its keys. */
const oneChain = (reader: ArchiveReader, dir: string): ArchiveReader => ({
  get: (key) => reader.get(key),
  stream: (key) => reader.stream(key),
  list: (prefix) =>
    prefix === chainsPrefix ? reader.list(`${chainsPrefix}${dir}/`) : reader.list(prefix),
});

if (parentPort) {
  const port = parentPort;
  const input = workerData as WorkerInput;
  setFlagsFromString('--semi-space-growth-factor=1');
  const reader = await openArchiveReader(input.location, {
    ...(input.endpointUrl === undefined ? {} : { endpointUrl: input.endpointUrl }),
    ...(input.region === undefined ? {} : { region: input.region }),
  });
  const index = { heads: input.heads, latest: new Map(), verified: 0, newest: 0 };
  port.on('message', (dir: string) => {
    void verifyArchive(oneChain(reader, dir), {
      preloaded: { keys: input.keys, index },
      ...(input.witnessKeys === undefined ? {} : { witnessKeys: input.witnessKeys }),
      ...(input.minWitnesses === undefined ? {} : { minWitnesses: input.minWitnesses }),
    }).then((report) => port.postMessage({ type: 'done', report } satisfies WorkerReply));
  });
  port.postMessage({ type: 'ready' } satisfies WorkerReply);
}
