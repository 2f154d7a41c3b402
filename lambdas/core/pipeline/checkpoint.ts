import { checkpointKey, keyFile } from '#core/archive/layout.ts';
import { checkpointOrigin, formatCheckpoint } from '#core/chain/checkpoint.ts';
import { leafData } from '#core/chain/hash.ts';
import {
  frontierAppend,
  frontierFromJson,
  frontierRoot,
  frontierToJson,
  leafHash,
} from '#core/chain/merkle.ts';
import { signNote } from '#core/chain/note.ts';
import type { CheckpointDeps } from '#ports/pipeline-deps.ts';

export interface CheckpointWritten {
  readonly chain: string;
  readonly size: number;
  readonly key: string;
}

const encoder = new TextEncoder();

/**
 * Signs a checkpoint (RFC 9162 tree head in the C2SP format) for every chain that grew since
 * its last one and writes it to the archive. Only archived records are covered, so an
 * auditor never sees a checkpoint for records the archive does not hold yet. Each run hashes
 * only the records appended since the last checkpoint (the frontier is kept in chain meta).
 */
export const checkpointChains = async (deps: CheckpointDeps): Promise<CheckpointWritten[]> => {
  await publishVerifierKey(deps);
  const written: CheckpointWritten[] = [];
  for await (const chain of deps.ledger.chains()) {
    const done = await checkpointChain(chain, deps);
    if (done) written.push(done);
  }
  if (written.length > 0) deps.log.info('checkpoints signed', { chains: written.length });
  return written;
};

const checkpointChain = async (
  chain: string,
  deps: CheckpointDeps,
): Promise<CheckpointWritten | undefined> => {
  const meta = await deps.ledger.meta(chain);
  const size = meta.archived_through + 1;
  if (size <= meta.checkpoint_size) return undefined;
  let frontier = frontierFromJson({
    size: meta.checkpoint_size,
    hashes: [...meta.checkpoint_frontier],
  });
  for await (const record of deps.ledger.range(chain, meta.checkpoint_size, size - 1)) {
    frontier = frontierAppend(frontier, leafHash(leafData(record)));
  }
  const body = formatCheckpoint({
    origin: checkpointOrigin(deps.logName, chain),
    size,
    root: frontierRoot(frontier),
  });
  const note = await signNote(body, deps.signer);
  const key = checkpointKey(chain, size);
  const retainUntil = deps.retainUntil?.(deps.clock.now());
  await deps.archive.put(key, encoder.encode(note), {
    contentType: 'text/plain; charset=utf-8',
    ...(retainUntil ? { retainUntil } : {}),
  });
  await deps.ledger.setMeta(chain, {
    checkpoint_size: size,
    checkpoint_frontier: frontierToJson(frontier).hashes,
  });
  return { chain, size, key };
};

/** Publishes the signer's public key next to the checkpoints (write-once: a second key under
 * the same name is a conflict, never a silent replacement). */
const publishVerifierKey = async (deps: CheckpointDeps): Promise<void> => {
  const vkey = await deps.signer.verifierKey();
  await deps.archive.put(keyFile(deps.signer.keyName), encoder.encode(`${vkey}\n`), {
    contentType: 'text/plain; charset=utf-8',
  });
};
