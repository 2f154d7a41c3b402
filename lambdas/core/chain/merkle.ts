/**
 * RFC 9162 (= RFC 6962) Merkle tree hashing, compact ranges and proofs.
 *
 *   leaf = SHA-256(0x00 ‖ data)        node = SHA-256(0x01 ‖ left ‖ right)
 *
 * The leaf data of a record is its 32-byte hash (see `leafData` in hash.ts). Sizes and
 * indexes are plain numbers up to 2^53, so bit operations are written as arithmetic.
 */

import { hash as digest } from 'node:crypto';
import { HASH_RE, InvalidHashError } from '#core/chain/hash.ts';
import { AuditTrailError } from '#core/errors.ts';

const HASH_BYTES = 32;

/** Raised for proof requests outside the tree (index ≥ size, size1 > size2, …). */
export class ProofRangeError extends AuditTrailError {
  readonly code = 'proof_range';
  override readonly name = 'ProofRangeError';
}

/** Raised when a stored frontier does not have the shape its size implies. */
export class FrontierFormatError extends AuditTrailError {
  readonly code = 'frontier_format';
  override readonly name = 'FrontierFormatError';
}

/** The root of the empty tree: SHA-256 of the empty string. */
export const EMPTY_ROOT: Uint8Array = digest('sha256', new Uint8Array(0), 'buffer');

/** SHA-256(0x00 ‖ data). */
export const leafHash = (data: Uint8Array): Uint8Array => {
  const input = new Uint8Array(1 + data.length);
  input.set(data, 1);
  return digest('sha256', input, 'buffer');
};

/** SHA-256(0x01 ‖ left ‖ right). */
export const nodeHash = (left: Uint8Array, right: Uint8Array): Uint8Array => {
  const input = new Uint8Array(1 + left.length + right.length);
  input[0] = 1;
  input.set(left, 1);
  input.set(right, 1 + left.length);
  return digest('sha256', input, 'buffer');
};

/** Byte equality; false for different lengths. */
export const bytesEqual = (a: Uint8Array, b: Uint8Array): boolean => {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
};

const half = (n: number): number => Math.floor(n / 2);
const isOdd = (n: number): boolean => n % 2 === 1;

/**
 * A compact range from 0: the roots of the perfect subtrees covering leaves [0, size),
 * largest (leftmost) first, one per set bit of `size`. Enough to append and to compute the
 * root, in O(log n) space.
 */
export interface Frontier {
  readonly size: number;
  readonly hashes: readonly Uint8Array[];
}

/** The frontier of the empty tree. */
export const emptyFrontier = (): Frontier => ({ size: 0, hashes: [] });

/** The frontier after appending one leaf hash. */
export const frontierAppend = (frontier: Frontier, leaf: Uint8Array): Frontier => {
  const hashes = [...frontier.hashes, leaf];
  // Each trailing one bit of the old size is a subtree the new leaf completes.
  for (let s = frontier.size; isOdd(s); s = half(s)) {
    const right = hashes.pop() as Uint8Array;
    const left = hashes.pop() as Uint8Array;
    hashes.push(nodeHash(left, right));
  }
  return { size: frontier.size + 1, hashes };
};

/** The tree root of a frontier (EMPTY_ROOT for size 0). */
export const frontierRoot = (frontier: Frontier): Uint8Array => {
  const { hashes } = frontier;
  let root = hashes[hashes.length - 1];
  if (root === undefined) return EMPTY_ROOT;
  for (let i = hashes.length - 2; i >= 0; i--) root = nodeHash(hashes[i] as Uint8Array, root);
  return root;
};

const popcount = (n: number): number => {
  let bits = 0;
  for (let s = n; s > 0; s = half(s)) if (isOdd(s)) bits++;
  return bits;
};

/** Frontier as stored: size and lowercase hex subtree roots. */
export interface FrontierJson {
  readonly size: number;
  readonly hashes: readonly string[];
}

export const frontierToJson = (frontier: Frontier): FrontierJson => ({
  size: frontier.size,
  hashes: frontier.hashes.map((h) => Buffer.from(h).toString('hex')),
});

/** Parses a stored frontier; throws FrontierFormatError if it is not well formed. */
export const frontierFromJson = (json: FrontierJson): Frontier => {
  const { size, hashes } = json;
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new FrontierFormatError(`bad frontier size: ${String(size)}`);
  }
  if (!Array.isArray(hashes) || hashes.length !== popcount(size)) {
    throw new FrontierFormatError(`a frontier of size ${size} has ${popcount(size)} hashes`);
  }
  return {
    size,
    hashes: hashes.map((h) => {
      if (typeof h !== 'string' || !HASH_RE.test(h)) {
        throw new FrontierFormatError('frontier hashes must be 64 lowercase hex');
      }
      return new Uint8Array(Buffer.from(h, 'hex'));
    }),
  };
};

/** A mutable, streaming tree builder in O(log n) memory, for the verifier's hot loop. */
export interface TreeBuilder {
  readonly size: number;
  /** Appends a leaf hash. Throws InvalidHashError unless 32 bytes. */
  push(leafHash: Uint8Array): void;
  /** Appends the leaf of a record, given the record's hex hash (its leaf data); faster than
   * `push(leafHash(leafData(record)))`. Throws InvalidHashError unless 64 lowercase hex. */
  pushRecordHash(hashHex: string): void;
  root(): Uint8Array;
  frontier(): Frontier;
}

/** A tree builder, empty or resuming from a frontier. */
export const createTreeBuilder = (from: Frontier = emptyFrontier()): TreeBuilder => {
  // Subtree roots as hex: node:crypto's hex output is much cheaper than allocating Buffers.
  const stack = from.hashes.map((h) => Buffer.from(h).toString('hex'));
  let size = from.size;
  const input = Buffer.alloc(1 + 2 * HASH_BYTES);
  const leafInput = input.subarray(0, 1 + HASH_BYTES);
  const nodeInput = input.subarray(0, 1 + 2 * HASH_BYTES);

  const pushLeafHex = (leafHex: string): void => {
    stack.push(leafHex);
    input[0] = 1;
    for (let s = size; isOdd(s); s = half(s)) {
      const right = stack.pop() as string;
      input.write(stack.pop() as string, 1, 'hex');
      input.write(right, 1 + HASH_BYTES, 'hex');
      stack.push(digest('sha256', nodeInput, 'hex'));
    }
    size++;
  };

  return {
    get size() {
      return size;
    },
    push: (leaf) => {
      if (leaf.length !== HASH_BYTES) throw new InvalidHashError('leaf hash must be 32 bytes');
      pushLeafHex(Buffer.from(leaf).toString('hex'));
    },
    pushRecordHash: (hashHex) => {
      if (!HASH_RE.test(hashHex)) throw new InvalidHashError('record hash must be 64 hex');
      input[0] = 0;
      input.write(hashHex, 1, 'hex');
      pushLeafHex(digest('sha256', leafInput, 'hex'));
    },
    root: () => frontierRoot({ size, hashes: stack.map((h) => Buffer.from(h, 'hex')) }),
    frontier: () => ({ size, hashes: stack.map((h) => new Uint8Array(Buffer.from(h, 'hex'))) }),
  };
};

/** The root over the given leaf hashes (EMPTY_ROOT for none). */
export const rootOf = (leaves: readonly Uint8Array[]): Uint8Array => {
  const builder = createTreeBuilder();
  for (const leaf of leaves) builder.push(leaf);
  return builder.root();
};

/** The largest power of two smaller than n (n > 1). */
const split = (n: number): number => {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
};

/** MTH over leaves[from, to). */
const subtreeRoot = (leaves: readonly Uint8Array[], from: number, to: number): Uint8Array => {
  if (to - from === 1) return leaves[from] as Uint8Array;
  const k = split(to - from);
  return nodeHash(subtreeRoot(leaves, from, from + k), subtreeRoot(leaves, from + k, to));
};

const checkSize = (leaves: readonly Uint8Array[], size: number): void => {
  if (!Number.isSafeInteger(size) || size < 1 || size > leaves.length) {
    throw new ProofRangeError(`tree size ${size} outside 1..${leaves.length}`);
  }
};

/** The leaf ranges [from, to) whose subtree roots form the RFC 9162 §2.1.3.1 audit path of
 * leaf `index` in a tree of `size` leaves, in proof order (leaf side first). */
export const auditPathRanges = (index: number, size: number): [number, number][] => {
  const out: [number, number][] = [];
  const walk = (m: number, from: number, to: number): void => {
    if (to - from === 1) return;
    const k = split(to - from);
    if (m < k) {
      walk(m, from, from + k);
      out.push([from + k, to]);
    } else {
      walk(m - k, from + k, to);
      out.push([from, from + k]);
    }
  };
  walk(index, 0, size);
  return out;
};

/** RFC 9162 §2.1.3.1 inclusion proof of leaf `index` in the tree of the first `size`
 * leaf hashes. Throws ProofRangeError outside the tree. */
export const inclusionProof = (
  leafHashes: readonly Uint8Array[],
  index: number,
  size: number,
): Uint8Array[] => {
  checkSize(leafHashes, size);
  if (!Number.isSafeInteger(index) || index < 0 || index >= size) {
    throw new ProofRangeError(`leaf index ${index} outside tree of size ${size}`);
  }
  return auditPathRanges(index, size).map(([from, to]) => subtreeRoot(leafHashes, from, to));
};

/** RFC 9162 §2.1.4.1 consistency proof between the trees of the first `size1` and `size2`
 * leaf hashes, 0 < size1 ≤ size2. Throws ProofRangeError otherwise. */
export const consistencyProof = (
  leafHashes: readonly Uint8Array[],
  size1: number,
  size2: number,
): Uint8Array[] => {
  checkSize(leafHashes, size2);
  if (!Number.isSafeInteger(size1) || size1 < 1 || size1 > size2) {
    throw new ProofRangeError(`size1 ${size1} outside 1..${size2}`);
  }
  const subproof = (m: number, from: number, to: number, complete: boolean): Uint8Array[] => {
    if (m === to - from) return complete ? [] : [subtreeRoot(leafHashes, from, to)];
    const k = split(to - from);
    return m <= k
      ? [...subproof(m, from, from + k, complete), subtreeRoot(leafHashes, from + k, to)]
      : [...subproof(m - k, from + k, to, false), subtreeRoot(leafHashes, from, from + k)];
  };
  return subproof(size1, 0, size2, true);
};

const isHash = (value: unknown): value is Uint8Array =>
  value instanceof Uint8Array && value.length === HASH_BYTES;

const isProof = (proof: unknown): proof is readonly Uint8Array[] =>
  Array.isArray(proof) && proof.every(isHash);

/** RFC 9162 §2.1.3.2: does `proof` show `leafHash` at `index` in the tree with `root`?
 * Never throws: anything malformed is simply false. */
export const verifyInclusion = (
  leafHash: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean => {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size)) return false;
  if (index < 0 || index >= size || !isHash(leafHash) || !isHash(root) || !isProof(proof)) {
    return false;
  }
  let fn = index;
  let sn = size - 1;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && bytesEqual(r, root);
};

/** RFC 9162 §2.1.4.2: does `proof` show the tree (size1, root1) is a prefix of (size2,
 * root2)? A proof from the empty tree is refused as meaningless. Never throws. */
export const verifyConsistency = (
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): boolean => {
  if (!Number.isSafeInteger(size1) || !Number.isSafeInteger(size2)) return false;
  if (!Array.isArray(proof) || !(root1 instanceof Uint8Array) || !(root2 instanceof Uint8Array)) {
    return false;
  }
  if (size1 < 1 || size2 < size1) return false;
  if (size1 === size2) return proof.length === 0 && bytesEqual(root1, root2);
  if (!isProof(proof) || proof.length === 0 || !isHash(root1) || !isHash(root2)) return false;

  // When size1 is a power of two, its root is the first node of the path.
  const path = popcount(size1) === 1 ? [root1, ...proof] : proof;
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0] as Uint8Array;
  let sr = fr;
  for (let i = 1; i < path.length; i++) {
    const c = path[i] as Uint8Array;
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && bytesEqual(fr, root1) && bytesEqual(sr, root2);
};
