/**
 * The verifier's incremental Merkle tree: RFC 9162 hashing exactly as in
 * core/chain/merkle.ts (leaf = SHA-256(0x00 ‖ data), node = SHA-256(0x01 ‖ left ‖ right)),
 * but with the frontier kept as bytes in one preallocated buffer. In the verify loop the
 * hex-string frontier there cost more than all other per-record work together; the unit
 * tests check that both give the same roots.
 */
import { hash as digest } from 'node:crypto';

const HASH_BYTES = 32;
/** One subtree root per bit of the size: 2^53 leaves at most. */
const MAX_DEPTH = 54;
const EMPTY_ROOT_HEX = digest('sha256', '', 'hex');

export class Frontier {
  #size = 0;
  #depth = 0;
  readonly #stack = Buffer.alloc(MAX_DEPTH * HASH_BYTES);
  readonly #input = Buffer.alloc(1 + 2 * HASH_BYTES);
  readonly #leafInput = this.#input.subarray(0, 1 + HASH_BYTES);

  get size(): number {
    return this.#size;
  }

  /** Appends the leaf whose data is the 32 bytes `data[at, at + 32)`. */
  pushLeafData(data: Buffer, at = 0): void {
    this.#input[0] = 0;
    data.copy(this.#input, 1, at, at + HASH_BYTES);
    // Digests as one-byte strings: cheaper in Node than allocating Buffers.
    let node = digest('sha256', this.#leafInput, 'binary');
    for (let s = this.#size; s % 2 === 1; s = Math.floor(s / 2)) {
      this.#depth--;
      node = this.#nodeOf(this.#depth, node);
    }
    this.#stack.write(node, this.#depth * HASH_BYTES, 'latin1');
    this.#depth++;
    this.#size++;
  }

  /** The root, lowercase hex (SHA-256 of nothing for the empty tree). */
  rootHex(): string {
    if (this.#depth === 0) return EMPTY_ROOT_HEX;
    const last = this.#depth - 1;
    let root = this.#stack.toString('latin1', last * HASH_BYTES, (last + 1) * HASH_BYTES);
    for (let i = last - 1; i >= 0; i--) root = this.#nodeOf(i, root);
    return Buffer.from(root, 'latin1').toString('hex');
  }

  /** SHA-256(0x01 ‖ stack[level] ‖ right), right as a one-byte string. */
  #nodeOf(level: number, right: string): string {
    this.#input[0] = 1;
    this.#stack.copy(this.#input, 1, level * HASH_BYTES, (level + 1) * HASH_BYTES);
    this.#input.write(right, 1 + HASH_BYTES, 'latin1');
    return digest('sha256', this.#input, 'binary');
  }
}
