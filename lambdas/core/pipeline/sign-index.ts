import { indexHeadsKey, indexNoteKey } from '#core/archive/layout.ts';
import {
  formatHeads,
  type IndexedHead,
  indexCheckpoint,
  noteDigest,
} from '#core/chain/chain-index.ts';
import { formatCheckpoint } from '#core/chain/checkpoint.ts';
import { signNote } from '#core/chain/note.ts';
import { AuditTrailError } from '#core/errors.ts';
import { ArchiveConflictError, type ArchivePort } from '#ports/archive.ts';
import type { CheckpointDeps } from '#ports/pipeline-deps.ts';

export interface IndexWritten {
  readonly n: number;
  readonly chains: number;
  readonly key: string;
}

/** Raised when other checkpointers keep taking the next index number. */
export class IndexRaceError extends AuditTrailError {
  readonly code = 'index_race';
  override readonly name = 'IndexRaceError';
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** How many times a run looks for the next free index number when another writer took it. */
const MAX_ATTEMPTS = 8;

/**
 * The number of the newest index: indexes are numbered 1, 2, 3 … without gaps, so a doubling
 * probe and a binary search find it in O(log n) reads, with no listing of the whole prefix.
 */
export const latestIndexNumber = async (archive: Pick<ArchivePort, 'get'>): Promise<number> => {
  const has = async (n: number): Promise<boolean> =>
    (await archive.get(indexNoteKey(n))) !== undefined;
  if (!(await has(1))) return 0;
  let low = 1;
  let high = 2;
  while (await has(high)) {
    low = high;
    high *= 2;
  }
  // has(low), not has(high)
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (await has(mid)) low = mid;
    else high = mid;
  }
  return low;
};

/**
 * Signs the index over the given chain heads and writes it write-once after the newest one,
 * unless the newest already lists exactly these heads. The heads object is written before
 * the note that commits to it, so a crash in between leaves only an unsigned heads file
 * that the next run's identical write finds (`exists`).
 */
export const signIndex = async (
  heads: readonly IndexedHead[],
  deps: Pick<CheckpointDeps, 'archive' | 'signer' | 'clock' | 'logName' | 'retainUntil'>,
): Promise<IndexWritten | undefined> => {
  const headsText = formatHeads(heads);
  let n = await latestIndexNumber(deps.archive);
  if (n === 0 && heads.length === 0) return undefined;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    let prev: string | undefined;
    if (n > 0) {
      const [note, lastHeads] = await Promise.all([
        deps.archive.get(indexNoteKey(n)),
        deps.archive.get(indexHeadsKey(n)),
      ]);
      if (lastHeads !== undefined && decoder.decode(lastHeads) === headsText) return undefined;
      if (note !== undefined) prev = noteDigest(note);
    }
    const next = n + 1;
    const body = formatCheckpoint(indexCheckpoint(deps.logName, headsText, { n: next, prev }));
    const note = await signNote(body, deps.signer);
    const retainUntil = deps.retainUntil?.(deps.clock.now());
    const options = {
      contentType: 'text/plain; charset=utf-8',
      ...(retainUntil ? { retainUntil } : {}),
    };
    try {
      await deps.archive.put(indexHeadsKey(next), encoder.encode(headsText), options);
      await deps.archive.put(indexNoteKey(next), encoder.encode(note), options);
      return { n: next, chains: heads.length, key: indexNoteKey(next) };
    } catch (error) {
      // Another checkpointer took this number: link to its index instead.
      if (!(error instanceof ArchiveConflictError)) throw error;
      n = next;
    }
  }
  throw new IndexRaceError(`no free index number after ${MAX_ATTEMPTS} attempts`);
};
