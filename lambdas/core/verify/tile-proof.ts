/**
 * An inclusion proof from the checkpointer's Merkle tiles (ports/proof-source.ts): the head
 * and O(log n) tile reads, never the chain. The answer is the same proof file the local
 * runtime builds from the archive (proof.ts), and is checked before it is given out.
 */

import { parseCheckpoint } from '#core/chain/checkpoint.ts';
import { encodeBase64 } from '#core/chain/encoding.ts';
import { envelopeOf, leafData } from '#core/chain/hash.ts';
import { leafHash, verifyInclusion } from '#core/chain/merkle.ts';
import { openNote } from '#core/chain/note.ts';
import type { LedgerRecord } from '#core/chain/record.ts';
import { auditPathFromTiles, MissingTileError, proofTiles } from '#core/chain/tiles.ts';
import type { ProofSourcePort } from '#ports/proof-source.ts';
import { ProofError, type ProofFile } from './proof.ts';

/** The proof of `record` against the latest head of its chain. Throws ProofError when no
 * signed head covers it yet, or when the tiles do not lead to the signed root. */
export const proveFromTiles = async (
  record: LedgerRecord,
  source: ProofSourcePort,
): Promise<ProofFile> => {
  const { chain, seq } = record;
  const head = await source.head(chain);
  if (head === undefined || head.size <= seq) {
    const covered = head ? `the latest covers seqs 0..${head.size - 1}` : 'it has none';
    throw new ProofError(
      `record ${seq} of chain ${chain} is not covered by a signed checkpoint yet (${covered}); try again after the next checkpoint`,
    );
  }
  const opened = openNote(head.note, head.vkey);
  const checkpoint = opened.verified ? parseCheckpoint(opened.text) : undefined;
  if (checkpoint === undefined || checkpoint.size !== head.size) {
    throw new ProofError(`the stored checkpoint of chain ${chain} does not verify`);
  }
  let path: Uint8Array[];
  try {
    const tiles = await source.tiles(chain, proofTiles(seq, head.size));
    path = auditPathFromTiles(seq, head.size, tiles);
  } catch (error) {
    if (!(error instanceof MissingTileError)) throw error;
    throw new ProofError(`${error.message} (chain ${chain}); try again after the next checkpoint`);
  }
  if (!verifyInclusion(leafHash(leafData(record)), seq, head.size, path, checkpoint.root)) {
    throw new ProofError(
      `the tiles of chain ${chain} do not lead to its checkpoint at size ${head.size}; run audit-trail verify`,
    );
  }
  return {
    v: 1,
    event_id: record.event_id,
    chain,
    seq,
    record: { ...envelopeOf(record), hash: record.hash },
    leaf_index: seq,
    tree_size: head.size,
    proof: path.map(encodeBase64),
    checkpoint: head.note,
    vkey: head.vkey,
  };
};
