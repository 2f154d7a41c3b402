/**
 * The signed index of chains: one note per checkpoint run over the set of chain heads, so
 * that deleting a whole chain, or a chain's newest checkpoints and then its tail, is caught.
 *
 * Heads are lines `<encoded chain> <size> <hex root>`, sorted by encoded chain. They are the
 * leaves of an RFC 9162 tree (leaf data: the line's UTF-8 bytes, without the newline), whose
 * root is signed in the C2SP checkpoint format:
 *
 *   <log name>/+index          (`+` is never in an encoded chain, so no chain has this origin)
 *   <number of heads>
 *   <base64 root over the heads>
 *   index <n>                   (1, 2, 3 …: the object's number, so it cannot be renamed)
 *   prev <hex SHA-256 of signed note n-1 | none>
 *
 * The `prev` line links each index to the exact bytes of the one before.
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

/** The index note's checkpoint (to format and sign). */
export const indexCheckpoint = (
  logName: string,
  headsText: string,
  link: IndexLink,
): Checkpoint => ({
  origin: indexOrigin(logName),
  size: headsText === '' ? 0 : headsText.split('\n').length - 1,
  root: headsRoot(headsText),
  extensions: [`index ${link.n}`, `prev ${link.prev ?? 'none'}`],
});

/** Reads `index n` and `prev …` from a parsed index checkpoint. Throws
 * CheckpointFormatError. */
export const indexLinkOf = (checkpoint: Checkpoint): IndexLink => {
  const [indexLine, prevLine] = checkpoint.extensions ?? [];
  const n = /^index ([1-9][0-9]*)$/.exec(indexLine ?? '')?.[1];
  const prev = /^prev ([0-9a-f]{64}|none)$/.exec(prevLine ?? '')?.[1];
  if (n === undefined || prev === undefined) {
    throw new CheckpointFormatError('an index note needs `index <n>` and `prev <hash>` lines');
  }
  return { n: Number(n), prev: prev === 'none' ? undefined : prev };
};

/** Hex SHA-256 of a signed note's bytes: what the next index's `prev` names. */
export const noteDigest = (note: Uint8Array | string): string =>
  createHash('sha256').update(note).digest('hex');
