/**
 * The signed index of chains: one note per checkpoint run over the set of chain heads, so
 * that deleting a whole chain, or a chain's newest checkpoints and then its tail, is caught.
 *
 * Heads are lines `<encoded chain> <size> <hex root>`, sorted by encoded chain. They are the
 * leaves of an RFC 9162 tree (leaf data: the line's UTF-8 bytes, without the newline): the
 * heads root. The indexes themselves form an append-only log, the index log: index i is its
 * leaf i-1 (leaf data `index <i> <number of heads> <hex heads root>`), and index n is signed
 * as that log's checkpoint in the C2SP format, so that a witness can check a consistency
 * proof from the last index it cosigned and refuse a fork or a rollback (tlog-witness):
 *
 *   <log name>/+index          (`+` is never in an encoded chain, so no chain has this origin)
 *   <n>                         (the log's size: indexes 1..n; n is also the object's number)
 *   <base64 root of the index log over indexes 1..n>
 *   heads <number of heads> <hex heads root>
 *   prev <hex SHA-256 of signed note n-1 | none>
 *
 * The `prev` line links each index to the exact bytes of the one before. Archives written
 * before the index log hold the older form, which signs the heads tree itself:
 *
 *   <log name>/+index, <number of heads>, <base64 heads root>, index <n>, prev <…>
 *
 * Both are read; an older index is still a leaf of the log (its heads count and root).
 */
import { createHash } from 'node:crypto';
import { decodeChain, encodeChain } from '#core/archive/layout.ts';
import { HASH_RE } from '#core/chain/hash.ts';
import { createTreeBuilder, leafHash } from '#core/chain/merkle.ts';
import { type Checkpoint, CheckpointFormatError } from './checkpoint.ts';

/** One chain's head as an index signs it. */
export interface IndexedHead {
  readonly chain: string;
  readonly size: number;
  /** Lowercase hex. */
  readonly root: string;
}

/** What an index note says besides its tree head. */
export interface IndexLink {
  readonly n: number;
  /** Hex SHA-256 of the previous signed index note; undefined for the first. */
  readonly prev: string | undefined;
}

/** An index's heads tree: how many heads and their root (hex). */
export interface HeadsTree {
  readonly count: number;
  readonly root: string;
}

/** An index note read: its number, link, heads tree, and whether it signs the index log
 * (false: the older form, signing the heads tree itself). */
export interface IndexNote extends IndexLink {
  readonly heads: HeadsTree;
  readonly log: boolean;
}

export const indexOrigin = (logName: string): string => `${logName}/+index`;
export const isIndexOrigin = (origin: string): boolean => origin.endsWith('/+index');

const encoder = new TextEncoder();

/** The heads file text (sorted, one line a head). */
export const formatHeads = (heads: readonly IndexedHead[]): string =>
  [...heads]
    .map((h) => `${encodeChain(h.chain)} ${h.size} ${h.root}`)
    .sort()
    .map((line) => `${line}\n`)
    .join('');

/** Parses a heads file; throws CheckpointFormatError unless sorted, unique and well formed. */
export const parseHeads = (text: string): IndexedHead[] => {
  if (text === '') return [];
  if (!text.endsWith('\n')) throw new CheckpointFormatError('heads must end with a newline');
  const lines = text.slice(0, -1).split('\n');
  const heads: IndexedHead[] = [];
  let before = '';
  for (const line of lines) {
    const [encoded, sizeText, root, extra] = line.split(' ');
    const size = Number(sizeText);
    if (
      encoded === undefined ||
      encoded === '' ||
      extra !== undefined ||
      !/^[1-9][0-9]*$/.test(sizeText ?? '') ||
      !Number.isSafeInteger(size) ||
      root === undefined ||
      !HASH_RE.test(root)
    ) {
      throw new CheckpointFormatError(`bad head line: ${JSON.stringify(line)}`);
    }
    if (encoded <= before) throw new CheckpointFormatError('heads must be sorted and unique');
    before = encoded;
    let chain: string;
    try {
      chain = decodeChain(encoded);
    } catch {
      throw new CheckpointFormatError(`bad chain in head line: ${JSON.stringify(line)}`);
    }
    if (encodeChain(chain) !== encoded) {
      throw new CheckpointFormatError(`chain not in canonical encoding: ${encoded}`);
    }
    heads.push({ chain, size, root });
  }
  return heads;
};

/** The Merkle root over a heads file's lines. */
export const headsRoot = (headsText: string): Uint8Array => {
  const tree = createTreeBuilder();
  if (headsText !== '') {
    for (const line of headsText.slice(0, -1).split('\n'))
      tree.push(leafHash(encoder.encode(line)));
  }
  return tree.root();
};

/** The heads tree of a heads file. */
export const headsTree = (headsText: string): HeadsTree => ({
  count: headsText === '' ? 0 : headsText.split('\n').length - 1,
  root: Buffer.from(headsRoot(headsText)).toString('hex'),
});

/** Leaf hash of index `n` in the index log. */
export const indexLeaf = (n: number, heads: HeadsTree): Uint8Array =>
  leafHash(encoder.encode(`index ${n} ${heads.count} ${heads.root}`));

/** The index note's checkpoint (to format and sign): index `link.n` over `heads`, with the
 * index log's root over indexes 1..n. */
export const indexCheckpoint = (
  logName: string,
  heads: HeadsTree,
  link: IndexLink,
  logRoot: Uint8Array,
): Checkpoint => ({
  origin: indexOrigin(logName),
  size: link.n,
  root: logRoot,
  extensions: [`heads ${heads.count} ${heads.root}`, `prev ${link.prev ?? 'none'}`],
});

/** Reads an index note's number, link and heads tree from its parsed checkpoint, in either
 * form. Throws CheckpointFormatError. */
export const indexNoteOf = (checkpoint: Checkpoint): IndexNote => {
  const [first, prevLine, extra] = checkpoint.extensions ?? [];
  const prev = /^prev ([0-9a-f]{64}|none)$/.exec(prevLine ?? '')?.[1];
  const older = /^index ([1-9][0-9]*)$/.exec(first ?? '')?.[1];
  const heads = /^heads (0|[1-9][0-9]*) ([0-9a-f]{64})$/.exec(first ?? '');
  if (prev === undefined || extra !== undefined || (older === undefined && !heads)) {
    throw new CheckpointFormatError(
      'an index note needs `heads <count> <root>` (or `index <n>`) and `prev <hash>` lines',
    );
  }
  const link = { prev: prev === 'none' ? undefined : prev };
  if (older !== undefined) {
    const root = Buffer.from(checkpoint.root).toString('hex');
    return { ...link, n: Number(older), heads: { count: checkpoint.size, root }, log: false };
  }
  const count = Number(heads?.[1]);
  if (!Number.isSafeInteger(count) || checkpoint.size < 1) {
    throw new CheckpointFormatError('bad index log size or heads count');
  }
  return { ...link, n: checkpoint.size, heads: { count, root: heads?.[2] ?? '' }, log: true };
};

/** Hex SHA-256 of a signed note's bytes: what the next index's `prev` names. */
export const noteDigest = (note: Uint8Array | string): string =>
  createHash('sha256').update(note).digest('hex');
