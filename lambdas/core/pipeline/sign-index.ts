import {
  checkpointKey,
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
  parseHeads,
} from '#core/chain/chain-index.ts';
import { checkpointOrigin, formatCheckpoint, parseCheckpoint } from '#core/chain/checkpoint.ts';
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
import { openNote, signNote, splitNote } from '#core/chain/note.ts';
import { AuditTrailError } from '#core/errors.ts';
import { ArchiveConflictError, type ArchivePort } from '#ports/archive.ts';
import type { CheckpointDeps } from '#ports/pipeline-deps.ts';
import { requestCosignatures } from './witness-cosign.ts';

export interface IndexWritten {
  readonly n: number;
  readonly chains: number;
  readonly key: string;
}

/** What signing an index needs. */
type SignDeps = Pick<CheckpointDeps, 'archive' | 'signer' | 'clock' | 'logName' | 'retainUntil'> &
  Partial<Pick<CheckpointDeps, 'witnesses' | 'log'>>;

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
 * frontier are written before the note that commits to them. A run stopped in between
 * leaves unsigned heads: the next run's identical write finds them (`exists`), and heads
 * that differ are proven and signed before the next index (see completeUnsigned).
 */
export const signIndex = async (
  heads: readonly IndexedHead[],
  deps: SignDeps,
): Promise<IndexWritten | undefined> => {
  const headsText = formatHeads(heads);
  const storedLeaves = storedLeavesOf(deps.archive);
  let n = await latestIndexNumber(deps.archive);
  if (n === 0 && heads.length === 0) return undefined;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    let prevNote: Uint8Array | undefined;
    let prevHeads: Uint8Array | undefined;
    if (n > 0) {
      [prevNote, prevHeads] = await Promise.all([
        deps.archive.get(indexNoteKey(n)),
        deps.archive.get(indexHeadsKey(n)),
      ]);
      if (prevHeads !== undefined && decoder.decode(prevHeads) === headsText) return undefined;
    }
    const next = n + 1;
    const before = await frontierAfter(deps.archive, n, prevNote, storedLeaves);
    const index = { n: next, headsText, before, prevNote, storedLeaves };
    try {
      await deps.archive.put(indexHeadsKey(next), encoder.encode(headsText), indexOptions(deps));
    } catch (error) {
      if (!(error instanceof ArchiveConflictError)) throw error;
      // Index `next` holds other heads: signed by another checkpointer (link to it), or left
      // unsigned by a run that stopped before its note (complete it first, then link to it).
      await completeUnsigned(index, prevHeads, deps);
      n = next;
      continue;
    }
    if (await writeIndex(index, deps)) {
      return { n: next, chains: heads.length, key: indexNoteKey(next) };
    }
    // Another checkpointer signed this number at the same moment: link to its index instead.
    n = next;
  }
  throw new IndexRaceError(`no free index number after ${MAX_ATTEMPTS} attempts`);
};

/** One index to sign: its number, heads, the log before it, and the note it links to. */
interface IndexToSign {
  readonly n: number;
  readonly headsText: string;
  readonly before: Frontier;
  readonly prevNote: Uint8Array | undefined;
  readonly storedLeaves: StoredLeaves;
}

const indexOptions = (
  deps: Pick<CheckpointDeps, 'clock'> & Partial<Pick<CheckpointDeps, 'retainUntil'>>,
): { contentType: string; retainUntil?: Date } => {
  const retainUntil = deps.retainUntil?.(deps.clock.now());
  return { contentType: 'text/plain; charset=utf-8', ...(retainUntil ? { retainUntil } : {}) };
};

/**
 * Writes index `n`'s frontier and signed note (its heads are already stored) and asks the
 * witnesses to cosign it. False when another run's note took the number first. The note has
 * no time in it, so two runs signing the same heads write the same bytes (`exists`).
 */
const writeIndex = async (index: IndexToSign, deps: SignDeps): Promise<boolean> => {
  const { n, headsText, before, prevNote, storedLeaves } = index;
  const tree = headsTree(headsText);
  const leaf = indexLeaf(n, tree);
  const after = frontierAppend(before, leaf);
  const link = { n, prev: prevNote === undefined ? undefined : noteDigest(prevNote) };
  const body = formatCheckpoint(indexCheckpoint(deps.logName, tree, link, frontierRoot(after)));
  const note = await signNote(body, deps.signer);
  const options = indexOptions(deps);
  try {
    await deps.archive.put(
      indexFrontierKey(n),
      encoder.encode(JSON.stringify(frontierToJson(after))),
      { ...options, contentType: 'application/json' },
    );
  } catch (error) {
    // The frontier is the signer's unsigned shortcut, checked against the note before use.
    if (!(error instanceof ArchiveConflictError)) throw error;
  }
  try {
    await deps.archive.put(indexNoteKey(n), encoder.encode(note), options);
  } catch (error) {
    if (!(error instanceof ArchiveConflictError)) throw error;
    return false;
  }
  await cosignIndex({ note, size: n, before, leaf, storedLeaves }, deps, options);
  return true;
};

/**
 * Signs index `n` over heads that a run stored and then stopped before signing (killed
 * between its write-once heads and its note), so that the log can go on past it. The
 * heads are signed only if they are proven: each is a chain checkpoint this signer signed,
 * stored in the archive, and no chain of the index before is missing or shorter. A heads
 * file anyone else put there is refused, and the log stops with that reason.
 */
const completeUnsigned = async (
  index: Omit<IndexToSign, 'headsText'>,
  prevHeads: Uint8Array | undefined,
  deps: SignDeps,
): Promise<void> => {
  const { n } = index;
  const [note, stored] = await Promise.all([
    deps.archive.get(indexNoteKey(n)),
    deps.archive.get(indexHeadsKey(n)),
  ]);
  if (note !== undefined) return;
  if (stored === undefined) throw new IndexLogError(`index ${n}: heads conflict but are missing`);
  const headsText = decoder.decode(stored);
  const unproven = await unprovenHead(headsText, prevHeads, deps);
  if (unproven !== undefined) {
    throw new IndexLogError(
      `index ${n} has heads but no note, and they cannot be signed: ${unproven}`,
    );
  }
  deps.log?.warn('completing an index left unsigned by a stopped run', { index: n });
  await writeIndex({ ...index, headsText }, deps);
};

/** Why an unsigned heads file cannot be signed, or undefined when every head is proven. */
const unprovenHead = async (
  headsText: string,
  prevHeads: Uint8Array | undefined,
  deps: Pick<CheckpointDeps, 'archive' | 'signer' | 'logName'>,
): Promise<string | undefined> => {
  let heads: IndexedHead[];
  try {
    heads = parseHeads(headsText);
  } catch (error) {
    return `malformed heads (${(error as Error).message})`;
  }
  const sizes = new Map(heads.map((h) => [h.chain, h.size]));
  for (const prev of prevHeads === undefined ? [] : parseHeads(decoder.decode(prevHeads))) {
    if ((sizes.get(prev.chain) ?? 0) < prev.size) return `chain ${prev.chain} dropped or shorter`;
  }
  const vkey = await deps.signer.verifierKey();
  for (let first = 0; first < heads.length; first += READ_AHEAD) {
    const batch = heads.slice(first, first + READ_AHEAD);
    const notes = await Promise.all(
      batch.map((h) => deps.archive.get(checkpointKey(h.chain, h.size))),
    );
    for (const [k, head] of batch.entries()) {
      const bytes = notes[k];
      if (bytes === undefined) return `no checkpoint of ${head.chain} at ${head.size}`;
      const opened = openNote(decoder.decode(bytes), vkey);
      const signed = opened.verified ? parseCheckpoint(opened.text) : undefined;
      if (
        signed?.origin !== checkpointOrigin(deps.logName, head.chain) ||
        signed.size !== head.size ||
        Buffer.from(signed.root).toString('hex') !== head.root
      ) {
        return `the checkpoint of ${head.chain} at ${head.size} does not sign its head`;
      }
    }
  }
  return undefined;
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
