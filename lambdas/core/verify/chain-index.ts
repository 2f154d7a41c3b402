/**
 * Reads the signed index of chains (see chain/chain-index.ts) for the verifier: checks each
 * index's signature, its number, its link to the one before and its heads, that no chain
 * shrinks or disappears from one index to the next, and that each index signs the root of
 * the index log over every index up to it. The heads become signed tree heads of their
 * chains, so a chain held shorter than signed reads `truncated` and one that is gone reads
 * `deleted_chain`. With witness keys, the newest index needs their cosignatures as a chain's
 * newest checkpoint does.
 */
import { indexPrefix, parseIndexKey } from '#core/archive/layout.ts';
import {
  headsTree,
  type IndexedHead,
  type IndexNote,
  indexLeaf,
  indexNoteOf,
  isIndexOrigin,
  noteDigest,
  parseHeads,
} from '#core/chain/chain-index.ts';
import { parseCheckpoint } from '#core/chain/checkpoint.ts';
import { verifyCosignatures } from '#core/chain/cosignature.ts';
import { bytesEqual, createTreeBuilder } from '#core/chain/merkle.ts';
import type { ArchivePort } from '#ports/archive.ts';
import { openWithKeys, type TrustedKeys } from './checkpoints.ts';
import type { FaultLog } from './report.ts';

type Reader = Pick<ArchivePort, 'list' | 'get'>;

/** What the indexes say about the chains. */
export interface IndexView {
  /** Signed heads of each chain over all indexes: size → hex root. */
  readonly heads: ReadonlyMap<string, ReadonlyMap<number, string>>;
  /** The chains the newest good index lists, with their signed size. */
  readonly latest: ReadonlyMap<string, number>;
  /** Index notes whose signature verified. */
  readonly verified: number;
  /** Number of the newest index that verified (0 for none). */
  readonly newest: number;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

const textOf = (bytes: Uint8Array | undefined): string | undefined => {
  if (bytes === undefined) return undefined;
  try {
    return decoder.decode(bytes);
  } catch {
    return undefined;
  }
};

const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

/** Index faults belong to no chain and no record. */
const fault = (faults: FaultLog, kind: 'index_missing' | 'index_inconsistent', text: string) =>
  faults.add('', -1, kind, text);

/** Reads and checks one index; its heads, or undefined when it cannot be trusted. */
const readIndex = async (
  reader: Reader,
  n: number,
  keys: { note: string; heads: string },
  trusted: TrustedKeys,
  prevNote: Uint8Array | undefined,
  faults: FaultLog,
): Promise<
  { heads: IndexedHead[]; note: Uint8Array; index: IndexNote; root: Uint8Array } | undefined
> => {
  const noteBytes = await reader.get(keys.note);
  const note = textOf(noteBytes);
  if (noteBytes === undefined || note === undefined) {
    faults.add('', -1, 'malformed', `${keys.note} is not readable text`);
    return undefined;
  }
  let opened: ReturnType<typeof openWithKeys>;
  try {
    opened = openWithKeys(note, trusted.vkeys);
  } catch (error) {
    faults.add('', -1, 'malformed', `${keys.note} is not a signed note: ${messageOf(error)}`);
    return undefined;
  }
  if ('reason' in opened) {
    faults.add('', -1, 'bad_signature', `index ${n}: ${opened.reason}`);
    return undefined;
  }
  let checkpoint: ReturnType<typeof parseCheckpoint>;
  let link: IndexNote;
  try {
    checkpoint = parseCheckpoint(opened.text);
    link = indexNoteOf(checkpoint);
  } catch (error) {
    faults.add('', -1, 'malformed', `${keys.note} is not an index: ${messageOf(error)}`);
    return undefined;
  }
  if (!isIndexOrigin(checkpoint.origin) || link.n !== n) {
    fault(
      faults,
      'index_inconsistent',
      `${keys.note} is signed as ${checkpoint.origin} #${link.n}`,
    );
    return undefined;
  }
  if (n === 1 && link.prev !== undefined) {
    fault(faults, 'index_missing', 'index 1 names a predecessor: earlier indexes are gone');
  } else if (n > 1 && prevNote !== undefined && link.prev !== noteDigest(prevNote)) {
    fault(faults, 'index_inconsistent', `index ${n} does not link to index ${n - 1} as stored`);
  }
  const headsText = textOf(await reader.get(keys.heads));
  if (headsText === undefined) {
    fault(faults, 'index_missing', `the heads of index ${n} (${keys.heads}) are missing`);
    return undefined;
  }
  let heads: IndexedHead[];
  try {
    heads = parseHeads(headsText);
  } catch (error) {
    faults.add('', -1, 'malformed', `${keys.heads}: ${messageOf(error)}`);
    return undefined;
  }
  if (heads.length !== link.heads.count || headsTree(headsText).root !== link.heads.root) {
    fault(faults, 'index_inconsistent', `the heads of index ${n} do not match its signed root`);
    return undefined;
  }
  return { heads, note: noteBytes, index: link, root: checkpoint.root };
};

/** Reports what changed from one index to the next that an append-only archive forbids. */
const compare = (
  before: ReadonlyMap<string, IndexedHead>,
  after: readonly IndexedHead[],
  n: number,
  faults: FaultLog,
): void => {
  const now = new Map(after.map((h) => [h.chain, h]));
  for (const [chain, was] of before) {
    const head = now.get(chain);
    const problem =
      head === undefined
        ? `index ${n} no longer lists chain ${JSON.stringify(chain)}`
        : head.size < was.size
          ? `index ${n} lists chain ${JSON.stringify(chain)} at size ${head.size}, below ${was.size}`
          : head.size === was.size && head.root !== was.root
            ? `index ${n} signs another root for chain ${JSON.stringify(chain)} at size ${head.size}`
            : undefined;
    if (problem) faults.add(chain, -1, 'index_inconsistent', problem);
  }
};

/** Witness keys the auditor trusts and how many must have cosigned the newest index. */
export interface IndexWitnesses {
  readonly keys: readonly string[];
  readonly min: number;
}

/** The newest index must carry cosignatures (stored beside it) of `min` known witnesses. */
const checkIndexWitnessed = async (
  reader: Reader,
  n: number,
  note: Uint8Array,
  cosigKey: string | undefined,
  witnesses: IndexWitnesses,
  faults: FaultLog,
): Promise<void> => {
  const cosig = cosigKey === undefined ? '' : (textOf(await reader.get(cosigKey)) ?? '');
  let cosigned: ReturnType<typeof verifyCosignatures> = [];
  try {
    cosigned = verifyCosignatures(`${textOf(note) ?? ''}${cosig}`, witnesses.keys);
  } catch {
    // malformed cosignature lines count as none
  }
  if (cosigned.length < witnesses.min) {
    const by = cosigned.length === 0 ? 'none' : cosigned.map((c) => c.witness).join(', ');
    faults.add(
      '',
      -1,
      'unwitnessed',
      `the newest index (${n}) has ${cosigned.length} of ${witnesses.min} required witness cosignatures (${by})`,
    );
  }
};

/** Loads every index of the archive in order and reports the faults it finds in them. */
export const loadIndexes = async (
  reader: Reader,
  trusted: TrustedKeys,
  faults: FaultLog,
  witnesses: IndexWitnesses = { keys: [], min: 0 },
): Promise<IndexView> => {
  const present = new Map<number, { note?: string; heads?: string; cosig?: string }>();
  for await (const key of reader.list(indexPrefix)) {
    const parsed = parseIndexKey(key);
    if (!parsed) {
      faults.add('', -1, 'malformed', `unexpected archive key ${key}`);
      continue;
    }
    const entry = present.get(parsed.n) ?? {};
    if (parsed.part === 'ckpt') entry.note = key;
    else if (parsed.part === 'heads') entry.heads = key;
    else if (parsed.part === 'cosig') entry.cosig = key;
    present.set(parsed.n, entry);
  }
  const heads = new Map<string, Map<number, string>>();
  let latest = new Map<string, IndexedHead>();
  let verified = 0;
  let newest = 0;
  let prevNote: Uint8Array | undefined;
  let newestNote: Uint8Array | undefined;
  // The index log over indexes 1..n, while every one so far could be read.
  let log: ReturnType<typeof createTreeBuilder> | undefined = createTreeBuilder();
  let logged = false;
  const last = Math.max(0, ...present.keys());
  for (let n = 1; n <= last; n++) {
    const keys = present.get(n);
    if (keys?.note === undefined || keys.heads === undefined) {
      const what =
        keys?.note === undefined ? `index ${n} is missing` : `heads of index ${n} are missing`;
      fault(faults, 'index_missing', `${what} (index ${last} is the newest)`);
      prevNote = undefined;
      log = undefined;
      continue;
    }
    const read = await readIndex(
      reader,
      n,
      { note: keys.note, heads: keys.heads },
      trusted,
      prevNote,
      faults,
    );
    prevNote = read?.note;
    if (!read) {
      log = undefined;
      continue;
    }
    log?.push(indexLeaf(n, read.index.heads));
    if (read.index.log) {
      logged = true;
      if (log && !bytesEqual(log.root(), read.root)) {
        fault(faults, 'index_inconsistent', `index ${n} does not sign the log of indexes 1..${n}`);
      }
    } else if (logged) {
      fault(faults, 'index_inconsistent', `index ${n} leaves the index log for the older form`);
    }
    verified++;
    newest = n;
    newestNote = read.note;
    compare(latest, read.heads, n, faults);
    latest = new Map(read.heads.map((h) => [h.chain, h]));
    for (const head of read.heads) {
      const sizes = heads.get(head.chain) ?? new Map<number, string>();
      sizes.set(head.size, head.root);
      heads.set(head.chain, sizes);
    }
  }
  if (witnesses.min > 0 && newestNote !== undefined) {
    const cosig = present.get(newest)?.cosig;
    await checkIndexWitnessed(reader, newest, newestNote, cosig, witnesses, faults);
  } else if (witnesses.min > 0) {
    // Deleting every index must not be a way around the witnesses.
    faults.add('', -1, 'unwitnessed', 'no index of chains verified, so none is cosigned');
  }
  return {
    heads,
    latest: new Map([...latest.values()].map((h) => [h.chain, h.size])),
    verified,
    newest,
  };
};
