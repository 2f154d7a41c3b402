import { FairnessReviewError } from './errors.ts';

/**
 * The latest outcome per decision, held compactly so a review over a million decisions with
 * outcomes stays small: per outcome a 53-bit hash of the decision id (8 bytes), the time it
 * was observed (8 bytes) and its label (1 byte), in typed arrays; no string is kept. Two ids
 * share a hash with probability about n²/2⁵⁴ (≈ 6e-5 for a million outcomes).
 */

/** cyrb53 (bryc, public domain): a fast 53-bit string hash. */
export const hash53 = (text: string): number => {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
};

/** Entries per chunk: appends fill fixed chunks, so growing never copies or doubles. */
const CHUNK = 65_536;

export class OutcomeIndex {
  #keyChunks: Float64Array[] = [];
  #timeChunks: Float64Array[] = [];
  #labelChunks: Uint8Array[] = [];
  #keys = new Float64Array(0);
  #labels = new Uint8Array(0);
  #matched = new Uint8Array(0);
  #size = 0;
  #added = 0;
  #sealed = false;
  readonly #newestFirst: boolean;

  /** `newestFirst`: outcomes are added newest first (a search index's order), so of two
   * with the same time the one added first is the later. */
  constructor(options: { readonly newestFirst?: boolean } = {}) {
    this.#newestFirst = options.newestFirst ?? false;
  }

  /** Outcomes added (before latest-per-decision). */
  get added(): number {
    return this.#added;
  }

  /** Adds one outcome; `observedAt` orders outcomes of one decision (ties: the later added). */
  add(decisionId: string, observedAt: number, positive: boolean): void {
    if (this.#sealed) throw new FairnessReviewError('OutcomeIndex: add after seal');
    const at = this.#size % CHUNK;
    if (at === 0) {
      this.#keyChunks.push(new Float64Array(CHUNK));
      this.#timeChunks.push(new Float64Array(CHUNK));
      this.#labelChunks.push(new Uint8Array(CHUNK));
    }
    const last = this.#keyChunks.length - 1;
    (this.#keyChunks[last] as Float64Array)[at] = hash53(decisionId);
    (this.#timeChunks[last] as Float64Array)[at] = Number.isNaN(observedAt)
      ? -Infinity
      : observedAt;
    (this.#labelChunks[last] as Uint8Array)[at] = positive ? 1 : 0;
    this.#size += 1;
    this.#added += 1;
  }

  /**
   * Keeps the latest outcome of each decision; call once, before `lookup`. The keys are
   * sorted natively in place (a comparator sort would copy every entry into a temporary
   * array twice its size); the latest outcome of each key is then found in one pass in
   * added order, each chunk released as it is read.
   */
  seal(): void {
    const n = this.#size;
    const sorted = new Float64Array(n);
    let offset = 0;
    for (const chunk of this.#keyChunks) {
      const take = Math.min(CHUNK, n - offset);
      sorted.set(chunk.subarray(0, take), offset);
      offset += take;
    }
    sorted.sort();
    let m = 0;
    for (let i = 0; i < n; i++) {
      if (m === 0 || sorted[i] !== sorted[m - 1]) sorted[m++] = sorted[i] as number;
    }
    const keys = sorted.slice(0, m);
    const times = new Float64Array(m);
    const labels = new Uint8Array(m);
    const seen = new Uint8Array(m);
    this.#keys = keys;
    this.#size = m;
    this.#sealed = true;
    let index = 0;
    while (this.#keyChunks.length > 0) {
      const keyChunk = this.#keyChunks.shift() as Float64Array;
      const timeChunk = this.#timeChunks.shift() as Float64Array;
      const labelChunk = this.#labelChunks.shift() as Uint8Array;
      for (let j = 0; j < CHUNK && index < n; j++, index++) {
        const at = this.#find(keyChunk[j] as number);
        const time = timeChunk[j] as number;
        const held = times[at] as number;
        // Ties in time: the later added wins (the earlier added, for a newest-first source).
        if (seen[at] === 0 || time > held || (time === held && !this.#newestFirst)) {
          times[at] = time;
          labels[at] = labelChunk[j] as number;
          seen[at] = 1;
        }
      }
    }
    this.#labels = labels;
    this.#matched = seen.fill(0);
  }

  /** Decisions with an outcome (after seal). */
  get decisions(): number {
    return this.#sealed ? this.#size : 0;
  }

  /** The latest outcome of a decision (true: positive), or undefined; marks it matched. */
  lookup(decisionId: string): boolean | undefined {
    const i = this.#find(hash53(decisionId));
    if (i < 0) return undefined;
    this.#matched[i] = 1;
    return this.#labels[i] === 1;
  }

  /** True when some decision looked up had this id's outcome. */
  matched(decisionId: string): boolean {
    const i = this.#find(hash53(decisionId));
    return i >= 0 && this.#matched[i] === 1;
  }

  /** Decisions with an outcome that no decision record matched. */
  unmatched(): number {
    let count = 0;
    for (let i = 0; i < this.#size; i++) if (this.#matched[i] === 0) count += 1;
    return count;
  }

  #find(key: number): number {
    if (!this.#sealed) throw new FairnessReviewError('OutcomeIndex: lookup before seal');
    let low = 0;
    let high = this.#size - 1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      const k = this.#keys[mid] as number;
      if (k === key) return mid;
      if (k < key) low = mid + 1;
      else high = mid - 1;
    }
    return -1;
  }
}
