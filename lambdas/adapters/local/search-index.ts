import { type IndexPage, type IndexQuery, InvalidCursorError } from '#ports/record-search.ts';
import { grow } from './grow-array.ts';

/** Position of the first element >= value in an ascending list. */
const lowerBound = (list: readonly number[], value: number): number => {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
};

const contains = (list: readonly number[], value: number): boolean =>
  list[lowerBound(list, value)] === value;

const encodeCursor = (ordinal: number): string => Buffer.from(`o${ordinal}`).toString('base64url');
const decodeCursor = (cursor: string): number => {
  const match = /^o(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (match === null) throw new InvalidCursorError('not a cursor of this API');
  return Number(match[1]);
};

/**
 * The local ledger's search index, in memory: records numbered in append order (ordinals),
 * one ascending posting list of ordinals per term. A query walks its shortest posting list
 * from the newest end and checks the other terms by binary search, so it reads a handful
 * of entries per hit, not the ledger. Ordinals are rebuilt identically at every open (from
 * the frame headers), which keeps cursors stable across restarts.
 */
export class SearchIndex {
  /** Term → its ordinals; a term of one record (most user and session ids) holds the
   * number itself, which spares the garbage collector a million one-element arrays. */
  readonly #postings = new Map<string, number | number[]>();
  readonly #chains: string[] = [];
  readonly #chainIndex = new Map<string, number>();
  #ordChain = new Uint32Array(1024);
  #ordSeq = new Uint32Array(1024);
  #ordMs = new Float64Array(1024);
  /** Running maximum of ms up to each ordinal (non-decreasing), and the largest amount by
   * which a record's time was below it: together they bound a time window to an ordinal
   * range by binary search, exactly, though concurrent writers append slightly out of
   * time order. */
  #runMax = new Float64Array(1024);
  #maxSkew = 0;
  #size = 0;

  get size(): number {
    return this.#size;
  }

  /** Adds the next record (ordinals are given out in call order); its terms are
   * `positions` in `terms`, the frame's term dictionary. */
  add(
    chain: string,
    seq: number,
    ms: number,
    positions: readonly number[],
    terms: readonly string[],
  ): void {
    const ordinal = this.#size++;
    let c = this.#chainIndex.get(chain);
    if (c === undefined) {
      c = this.#chains.length;
      this.#chains.push(chain);
      this.#chainIndex.set(chain, c);
    }
    this.#ordChain = grow(this.#ordChain, this.#size);
    this.#ordSeq = grow(this.#ordSeq, this.#size);
    this.#ordMs = grow(this.#ordMs, this.#size);
    this.#ordChain[ordinal] = c;
    this.#ordSeq[ordinal] = seq;
    this.#ordMs[ordinal] = ms;
    this.#runMax = grow(this.#runMax, this.#size);
    const runMax = Math.max(ms, ordinal === 0 ? ms : (this.#runMax[ordinal - 1] as number));
    this.#runMax[ordinal] = runMax;
    this.#maxSkew = Math.max(this.#maxSkew, runMax - ms);
    for (const at of positions) {
      const t = terms[at];
      if (t === undefined) continue;
      const list = this.#postings.get(t);
      if (list === undefined) this.#postings.set(t, ordinal);
      else if (typeof list === 'number') {
        if (list !== ordinal) this.#postings.set(t, [list, ordinal]);
      } else if (list.at(-1) !== ordinal) list.push(ordinal);
    }
  }

  /** The first ordinal whose running maximum time is >= ms (> ms when `strictly`), or
   * size when there is none. */
  #firstRunMaxAtLeast(ms: number, strictly = false): number {
    let lo = 0;
    let hi = this.#size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const value = this.#runMax[mid] as number;
      if (value < ms || (strictly && value === ms)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  #list(t: string): number[] {
    const list = this.#postings.get(t);
    return list === undefined ? [] : typeof list === 'number' ? [list] : list;
  }

  search(query: IndexQuery): IndexPage {
    const lists: number[][] = [];
    for (const t of query.all) {
      const list = this.#list(t);
      if (list.length === 0) return { hits: [] };
      lists.push(list);
    }
    const anyLists = query.any?.map((t) => this.#list(t));
    if (anyLists?.every((l) => l.length === 0)) return { hits: [] };
    lists.sort((a, b) => a.length - b.length);
    const [driver = [], ...others] = lists;
    const cursor =
      query.cursor === undefined ? Number.POSITIVE_INFINITY : decodeCursor(query.cursor);
    // Every ordinal before `first` is older than fromMs; none from `end` on is within toMs.
    const first = query.fromMs === undefined ? 0 : this.#firstRunMaxAtLeast(query.fromMs);
    const end =
      query.toMs === undefined
        ? this.#size
        : this.#firstRunMaxAtLeast(query.toMs + this.#maxSkew, true);
    const before = Math.min(cursor, end);
    const prefixes = query.chainPrefixes;
    const hits: { chain: string; seq: number }[] = [];
    let last = -1;
    for (let i = lowerBound(driver, before) - 1; i >= 0; i--) {
      const o = driver[i] as number;
      if (o < first) break;
      if (!others.every((l) => contains(l, o))) continue;
      if (anyLists !== undefined && !anyLists.some((l) => contains(l, o))) continue;
      const ms = this.#ordMs[o] as number;
      if (
        (query.fromMs !== undefined && ms < query.fromMs) ||
        (query.toMs !== undefined && ms > query.toMs)
      ) {
        continue;
      }
      const chain = this.#chains[this.#ordChain[o] as number] as string;
      if (prefixes !== undefined && !prefixes.some((p) => chain.startsWith(p))) continue;
      if (hits.length === query.limit) return { hits, cursor: encodeCursor(last) };
      hits.push({ chain, seq: this.#ordSeq[o] as number });
      last = o;
    }
    return { hits };
  }
}
