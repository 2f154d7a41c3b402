import { checkpointKey, keyFile } from '#core/archive/layout.ts';
import type { IndexedHead } from '#core/chain/chain-index.ts';
import { checkpointOrigin, formatCheckpoint } from '#core/chain/checkpoint.ts';
import {
  consistencyProof,
  consistencyProofFromFrontier,
  frontierAppend,
  frontierFromJson,
  frontierRoot,
  frontierToJson,
} from '#core/chain/merkle.ts';
import { signNote, splitNote } from '#core/chain/note.ts';
import { ArchiveConflictError } from '#ports/archive.ts';
import type { CheckpointDeps } from '#ports/pipeline-deps.ts';
import { ArchivedChainError, archivedLeaves } from './archived-leaves.ts';
import { catchUpTiles, openTileFeed } from './checkpoint-tiles.ts';
import { signIndex } from './sign-index.ts';
import { requestCosignatures } from './witness-cosign.ts';

export interface CheckpointWritten {
  readonly chain: string;
  readonly size: number;
  readonly key: string;
}

const encoder = new TextEncoder();

/**
 * Signs a checkpoint (RFC 9162 tree head in the C2SP format) for every chain that grew since
 * its last one and writes it to the archive. Only archived records are covered, so an
 * auditor never sees a checkpoint for records the archive does not hold yet. The leaves are
 * the hashes of the ARCHIVED lines, recomputed from their bytes and linked to the record
 * before (archived-leaves.ts), not the ledger's items. Each run hashes only the records
 * archived since the last checkpoint (the frontier is kept in chain meta).
 * Then it signs the index of every chain's head (see sign-index.ts), so that no chain can
 * vanish from the archive unnoticed.
 */
export const checkpointChains = async (deps: CheckpointDeps): Promise<CheckpointWritten[]> => {
  await publishVerifierKey(deps);
  const written: CheckpointWritten[] = [];
  const heads: IndexedHead[] = [];
  const refused: ArchivedChainError[] = [];
  for await (const chain of deps.ledger.chains()) {
    try {
      const { done, head } = await checkpointChain(chain, deps);
      if (done) written.push(done);
      if (head) heads.push(head);
    } catch (error) {
      if (!(error instanceof ArchivedChainError)) throw error;
      // The other chains go on; this one keeps its last signed head in the index.
      deps.log.error('archive does not hold a linked chain: not signed', { error: error.message });
      refused.push(error);
      const head = signedHead(chain, await deps.ledger.meta(chain));
      if (head) heads.push(head);
    }
  }
  if (written.length > 0) deps.log.info('checkpoints signed', { chains: written.length });
  const index = await signIndex(heads, deps);
  if (index) deps.log.info('index signed', { index: index.n, chains: index.chains });
  // Fail the run (the function's error alarm) once everything else is signed.
  if (refused[0] !== undefined) throw refused[0];
  return written;
};

const hexOf = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** The head the chain's last checkpoint signed, from its meta (none before the first). */
const signedHead = (
  chain: string,
  meta: { checkpoint_size: number; checkpoint_frontier: readonly string[] },
): IndexedHead | undefined => {
  if (meta.checkpoint_size === 0) return undefined;
  const signed = frontierFromJson({
    size: meta.checkpoint_size,
    hashes: [...meta.checkpoint_frontier],
  });
  return { chain, size: signed.size, root: hexOf(frontierRoot(signed)) };
};

const checkpointChain = async (
  chain: string,
  deps: CheckpointDeps,
): Promise<{ done?: CheckpointWritten; head?: IndexedHead }> => {
  const meta = await deps.ledger.meta(chain);
  const size = meta.archived_through + 1;
  if (size <= meta.checkpoint_size) {
    const head = signedHead(chain, meta);
    if (head === undefined) return {};
    await catchUpTiles(chain, meta.checkpoint_size, deps);
    return { head };
  }
  const previous = frontierFromJson({
    size: meta.checkpoint_size,
    hashes: [...meta.checkpoint_frontier],
  });
  let frontier = previous;
  const witnessed = (deps.witnesses?.length ?? 0) > 0;
  const added: Uint8Array[] = [];
  const tiles = await openTileFeed(chain, meta.checkpoint_size, deps);
  for await (const leaf of archivedLeaves(deps.archive, chain, meta.checkpoint_size, size - 1)) {
    frontier = frontierAppend(frontier, leaf);
    if (witnessed) added.push(leaf);
    if (tiles?.push(leaf)) await tiles.flush();
  }
  const root = frontierRoot(frontier);
  const body = formatCheckpoint({ origin: checkpointOrigin(deps.logName, chain), size, root });
  let note = await signNote(body, deps.signer);
  if (witnessed) {
    // A witness that missed checkpoints needs a proof over the whole chain: its older leaves
    // are read once for all such witnesses, the new ones are those just hashed.
    let whole: Promise<Uint8Array[]> | undefined;
    const readWhole = async (): Promise<Uint8Array[]> => {
      const leaves: Uint8Array[] = [];
      for await (const leaf of archivedLeaves(deps.archive, chain, 0, previous.size - 1))
        leaves.push(leaf);
      return leaves.concat(added);
    };
    const wholeChain = (): Promise<Uint8Array[]> => {
      whole ??= readWhole();
      return whole;
    };
    const proof = async (old: number): Promise<Uint8Array[]> =>
      old === previous.size
        ? consistencyProofFromFrontier(previous, added)
        : consistencyProof(await wholeChain(), old, size);
    const request = { note, size, old: previous.size, proof };
    note += await requestCosignatures(request, deps.witnesses ?? [], deps.log);
  }
  const key = checkpointKey(chain, size);
  const retainUntil = deps.retainUntil?.(deps.clock.now());
  try {
    await deps.archive.put(key, encoder.encode(note), {
      contentType: 'text/plain; charset=utf-8',
      ...(retainUntil ? { retainUntil } : {}),
    });
  } catch (error) {
    // A rerun after a crash: the same signed head, with cosignatures of another time.
    if (!(error instanceof ArchiveConflictError) || !(await sameHead(deps, key, body))) throw error;
  }
  // Proof tiles, then their head, once the checkpoint they serve is in the archive.
  await tiles?.finish(size, note);
  await deps.ledger.setMeta(chain, {
    checkpoint_size: size,
    checkpoint_frontier: frontierToJson(frontier).hashes,
  });
  return { done: { chain, size, key }, head: { chain, size, root: hexOf(root) } };
};

const sameHead = async (deps: CheckpointDeps, key: string, body: string): Promise<boolean> => {
  const stored = await deps.archive.get(key);
  try {
    return stored !== undefined && splitNote(new TextDecoder().decode(stored)).text === body;
  } catch {
    return false;
  }
};

/** Publishes the signer's public key next to the checkpoints (write-once: a second key under
 * the same name is a conflict, never a silent replacement). */
const publishVerifierKey = async (deps: CheckpointDeps): Promise<void> => {
  const vkey = await deps.signer.verifierKey();
  await deps.archive.put(keyFile(deps.signer.keyName), encoder.encode(`${vkey}\n`), {
    contentType: 'text/plain; charset=utf-8',
  });
};
