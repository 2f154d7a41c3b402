/**
 * One chain directory verified on its own, as every thread of a parallel verify does it
 * (verify-parallel.ts on the main thread, verify-worker.ts on the others): the archive seen
 * through the chain's directory, keys, index heads and holds loaded once by the coordinator.
 */
import { chainsPrefix } from '#core/archive/layout.ts';
import type { HoldScope } from '#core/retention/governance.ts';
import type { IndexView } from '#core/verify/chain-index.ts';
import type { TrustedKeys } from '#core/verify/checkpoints.ts';
import type { VerifyReport } from '#core/verify/report.ts';
import {
  type ArchiveReader,
  type VerifyOptions,
  verifyArchive,
} from '#core/verify/verify-archive.ts';
import type { ThreadClock } from './verify-thread-cpu.ts';

/** What every thread needs besides the archive: small, sent to each worker once. */
export interface ChainJobSetup {
  readonly keys: TrustedKeys;
  readonly heads: IndexView['heads'];
  readonly holds?: readonly HoldScope[];
  readonly witnessKeys?: readonly string[];
  readonly minWitnesses?: number;
}

/** The archive as seen when verifying one chain directory: `chains/` lists only its keys. */
const oneChain = (reader: ArchiveReader, dir: string, clock?: ThreadClock): ArchiveReader => ({
  get: (key) => reader.get(key),
  stream: (key) => (clock === undefined ? reader.stream(key) : clock.timed(reader.stream(key))),
  list: (prefix) =>
    prefix === chainsPrefix ? reader.list(`${chainsPrefix}${dir}/`) : reader.list(prefix),
});

/** Verifies the chain directory `dir`; its report (faults of that chain only). `clock`
 * counts the wall time spent awaiting reads. */
export const verifyChainDir = (
  reader: ArchiveReader,
  dir: string,
  setup: ChainJobSetup,
  bodyKeys: VerifyOptions['bodyKeys'],
  clock?: ThreadClock,
): Promise<VerifyReport> =>
  verifyArchive(oneChain(reader, dir, clock), {
    preloaded: {
      keys: setup.keys,
      index: { heads: setup.heads, latest: new Map(), verified: 0, newest: 0 },
      ...(setup.holds === undefined ? {} : { holds: setup.holds }),
    },
    ...(setup.witnessKeys === undefined ? {} : { witnessKeys: setup.witnessKeys }),
    ...(setup.minWitnesses === undefined ? {} : { minWitnesses: setup.minWitnesses }),
    ...(bodyKeys === undefined ? {} : { bodyKeys }),
  });

/** The next chain directory to verify (an index into `dirs`), taken by whichever thread asks
 * first; undefined when all are taken. */
export const takeChain = (next: Int32Array, order: readonly number[]): number | undefined => {
  const n = Atomics.add(next, 0, 1);
  return n < order.length ? order[n] : undefined;
};
