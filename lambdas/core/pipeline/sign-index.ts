import {
  indexCosigKey,
  indexFrontierKey,
  indexHeadsKey,
  indexNoteKey,
} from '#core/archive/layout.ts';
import {
  formatHeads,
  headsTree,
  type IndexedHead,
  indexCheckpoint,
  indexLeaf,
  indexNoteOf,
  noteDigest,
} from '#core/chain/chain-index.ts';
import { formatCheckpoint, parseCheckpoint } from '#core/chain/checkpoint.ts';
import {
  bytesEqual,
  consistencyProof,
  consistencyProofFromFrontier,
  emptyFrontier,
  type Frontier,
  type FrontierJson,
  frontierAppend,
  frontierFromJson,
  frontierRoot,
  frontierToJson,
} from '#core/chain/merkle.ts';
import { signNote, splitNote } from '#core/chain/note.ts';
import { AuditTrailError } from '#core/errors.ts';
import { ArchiveConflictError, type ArchivePort } from '#ports/archive.ts';
import type { CheckpointDeps } from '#ports/pipeline-deps.ts';
import { requestCosignatures } from './witness-cosign.ts';

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
/** Index notes read at once when the log's leaves are read back (one object per index). */
const READ_AHEAD = 32;

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

/** The index log's leaf of index `n`, read from its stored note (either form). */
const storedLeaf = async (archive: Pick<ArchivePort, 'get'>, n: number): Promise<Uint8Array> => {
  const bytes = await archive.get(indexNoteKey(n));
  if (!bytes) throw new IndexLogError(`index ${n} is missing: the index log cannot be extended`);
  return indexLeaf(n, indexNoteOf(parseCheckpoint(splitNote(decoder.decode(bytes)).text)).heads);
};

/** Raised when the indexes written so far cannot be read back as a log. */
export class IndexLogError extends AuditTrailError {
  readonly code = 'index_log';
  override readonly name = 'IndexLogError';
}

/** The leaves of the index log for indexes 1..n, read from their notes. */
type StoredLeaves = (n: number) => Promise<Uint8Array[]>;

/** Reads stored leaves once per signing: a rebuilt frontier and every witness that missed
 * indexes share them. */
const storedLeavesOf = (archive: Pick<ArchivePort, 'get'>): StoredLeaves => {
  const read = new Map<number, Promise<Uint8Array[]>>();
  const readThrough = async (n: number): Promise<Uint8Array[]> => {
    const leaves: Uint8Array[] = [];
    for (let first = 1; first <= n; first += READ_AHEAD) {
      const count = Math.min(READ_AHEAD, n - first + 1);
      const batch = Array.from({ length: count }, (_, k) => storedLeaf(archive, first + k));
      for (const leaf of await Promise.all(batch)) leaves.push(leaf);
    }
    return leaves;
  };
  return (n) => {
    const leaves = read.get(n) ?? readThrough(n);
    read.set(n, leaves);
    return leaves;
  };
};

/**
 * The index log's frontier after index n: the stored frontier when its root is the one
 * index n signs (or n signs the older form, whose log root nothing states), else rebuilt
 * from the notes of indexes 1..n (archives from before the index log, or a lost frontier).
 */
const frontierAfter = async (
  archive: Pick<ArchivePort, 'get'>,
  n: number,
  note: Uint8Array | undefined,
  storedLeaves: StoredLeaves,
): Promise<Frontier> => {
  if (n === 0) return emptyFrontier();
  try {
    const stored = await archive.get(indexFrontierKey(n));
    if (stored && note) {
      const frontier = frontierFromJson(JSON.parse(decoder.decode(stored)) as FrontierJson);
      const checkpoint = parseCheckpoint(splitNote(decoder.decode(note)).text);
      if (
        frontier.size === n &&
        indexNoteOf(checkpoint).log &&
        bytesEqual(frontierRoot(frontier), checkpoint.root)
      ) {
        return frontier;
      }
    }
  } catch {
    // rebuilt below
  }
  let frontier = emptyFrontier();
  for (const leaf of await storedLeaves(n)) frontier = frontierAppend(frontier, leaf);
  return frontier;
};

/**
 * Signs the index over the given chain heads and writes it write-once after the newest one,
 * unless the newest already lists exactly these heads. The index is the next leaf of the
 * index log, and its note that log's checkpoint: the configured witnesses are asked to
 * cosign it (with a consistency proof from the size they last cosigned), and their
 * cosignature lines are stored beside it (`index/<n>.cosig`). The heads object and the log's
 * frontier are written before the note that commits to them, so a crash in between leaves
 * only unsigned files that the next run's identical write finds (`exists`).
 */
export const signIndex = async (
  heads: readonly IndexedHead[],
  deps: Pick<CheckpointDeps, 'archive' | 'signer' | 'clock' | 'logName' | 'retainUntil'> &
    Partial<Pick<CheckpointDeps, 'witnesses' | 'log'>>,
): Promise<IndexWritten | undefined> => {
  const headsText = formatHeads(heads);
  const tree = headsTree(headsText);
  const storedLeaves = storedLeavesOf(deps.archive);
  let n = await latestIndexNumber(deps.archive);
  if (n === 0 && heads.length === 0) return undefined;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    let prevNote: Uint8Array | undefined;
    if (n > 0) {
      const [note, lastHeads] = await Promise.all([
        deps.archive.get(indexNoteKey(n)),
        deps.archive.get(indexHeadsKey(n)),
      ]);
      if (lastHeads !== undefined && decoder.decode(lastHeads) === headsText) return undefined;
      prevNote = note;
    }
    const next = n + 1;
    const before = await frontierAfter(deps.archive, n, prevNote, storedLeaves);
    const leaf = indexLeaf(next, tree);
    const after = frontierAppend(before, leaf);
    const link = { n: next, prev: prevNote === undefined ? undefined : noteDigest(prevNote) };
    const body = formatCheckpoint(indexCheckpoint(deps.logName, tree, link, frontierRoot(after)));
    const note = await signNote(body, deps.signer);
    const retainUntil = deps.retainUntil?.(deps.clock.now());
    const options = {
      contentType: 'text/plain; charset=utf-8',
      ...(retainUntil ? { retainUntil } : {}),
    };
    try {
      await deps.archive.put(indexHeadsKey(next), encoder.encode(headsText), options);
      await deps.archive.put(
        indexFrontierKey(next),
        encoder.encode(JSON.stringify(frontierToJson(after))),
        { ...options, contentType: 'application/json' },
      );
      await deps.archive.put(indexNoteKey(next), encoder.encode(note), options);
    } catch (error) {
      // Another checkpointer took this number: link to its index instead.
      if (!(error instanceof ArchiveConflictError)) throw error;
      n = next;
      continue;
    }
    await cosignIndex({ note, size: next, before, leaf, storedLeaves }, deps, options);
    return { n: next, chains: heads.length, key: indexNoteKey(next) };
  }
  throw new IndexRaceError(`no free index number after ${MAX_ATTEMPTS} attempts`);
};

/** Asks the witnesses to cosign index `size` and stores the lines they answered. */
const cosignIndex = async (
  index: {
    readonly note: string;
    readonly size: number;
    readonly before: Frontier;
    readonly leaf: Uint8Array;
    readonly storedLeaves: StoredLeaves;
  },
  deps: Pick<CheckpointDeps, 'archive'> & Partial<Pick<CheckpointDeps, 'witnesses' | 'log'>>,
  options: { contentType: string; retainUntil?: Date },
): Promise<void> => {
  if (!deps.witnesses?.length || !deps.log) return;
  const { note, size, before, leaf, storedLeaves } = index;
  const proof = async (old: number): Promise<Uint8Array[]> =>
    old === before.size
      ? consistencyProofFromFrontier(before, [leaf])
      : consistencyProof([...(await storedLeaves(size - 1)), leaf], old, size);
  const lines = await requestCosignatures(
    { note, size, old: before.size, proof },
    deps.witnesses,
    deps.log,
  );
  if (lines === '') return;
  try {
    await deps.archive.put(indexCosigKey(size), encoder.encode(lines), options);
  } catch (error) {
    // A rerun found the cosignatures of an earlier ask already stored.
    if (!(error instanceof ArchiveConflictError)) throw error;
  }
};
