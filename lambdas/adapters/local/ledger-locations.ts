import { type ChainHead, GENESIS_PREV, type LedgerRecord } from '#core/chain/record.ts';
import { ChainConflictError, DuplicateEventError, type EventLocation } from '#ports/ledger.ts';
import { grow } from './grow-array.ts';
import { InvalidAppendError, LedgerCorruptError } from './ledger-errors.ts';
import type { FrameHeader } from './ledger-frame.ts';

/** Where one chain's records are, by seq; typed arrays keep ~1M records in a few MB. */
export interface ChainState {
  readonly name: string;
  readonly index: number;
  /** Durable records. */
  count: number;
  headHash: string;
  /** Head including appends not yet synced: what the next append must expect. */
  nextSeq: number;
  nextHash: string;
  recOff: Float64Array;
  recLen: Uint32Array;
  bodyOff: Float64Array;
  bodyLen: Uint32Array;
}

/** Each record must follow `expected` in seq and prev hash. */
const checkLinks = (expected: ChainHead, batch: readonly LedgerRecord[]): void => {
  let prev = expected.hash;
  batch.forEach((record, i) => {
    if (record.chain !== expected.chain || record.seq !== expected.seq + 1 + i) {
      throw new InvalidAppendError(
        `record ${i} is ${record.chain}#${record.seq}, expected ${expected.chain}#${expected.seq + 1 + i}`,
      );
    }
    if (record.prev !== prev) throw new InvalidAppendError(`record ${record.seq}: prev mismatch`);
    prev = record.hash;
  });
};

/**
 * The ledger's in-memory index of its files: each chain's durable head and the offsets of
 * its records in records.log and bodies.log, and event id → (chain, seq). Built from frame
 * headers at open, then kept up to date as appends become durable.
 */
export class RecordLocations {
  readonly #chains = new Map<string, ChainState>();
  readonly #byIndex: ChainState[] = [];
  /** event_id → ordinal; ordinal → (chain index, seq) in typed arrays, to keep the map lean. */
  readonly #ids = new Map<string, number>();
  #ordChain = new Uint32Array(1024);
  #ordSeq = new Uint32Array(1024);
  /** Ids of appends queued but not yet durable: a second append of one is a duplicate. */
  readonly #pendingIds = new Set<string>();

  /** The chain's state, created empty on first use. */
  chain(name: string): ChainState {
    let state = this.#chains.get(name);
    if (state === undefined) {
      state = {
        name,
        index: this.#byIndex.length,
        count: 0,
        headHash: GENESIS_PREV,
        nextSeq: 0,
        nextHash: GENESIS_PREV,
        recOff: new Float64Array(16),
        recLen: new Uint32Array(16),
        bodyOff: new Float64Array(16),
        bodyLen: new Uint32Array(16),
      };
      this.#chains.set(name, state);
      this.#byIndex.push(state);
    }
    return state;
  }

  /** The chain's state, if it was ever seen. */
  find(name: string): ChainState | undefined {
    return this.#chains.get(name);
  }

  /** The durable head (seq -1 and the genesis hash for an empty chain). */
  head(name: string): ChainHead {
    const state = this.#chains.get(name);
    return state === undefined || state.count === 0
      ? { chain: name, seq: -1, hash: GENESIS_PREV }
      : { chain: name, seq: state.count - 1, hash: state.headHash };
  }

  /** Names of the chains holding a durable record, sorted. */
  names(): string[] {
    return [...this.#chains.values()]
      .filter((c) => c.count > 0)
      .map((c) => c.name)
      .sort();
  }

  locate(eventIds: readonly string[]): Map<string, EventLocation> {
    const found = new Map<string, EventLocation>();
    for (const id of eventIds) {
      const ordinal = this.#ids.get(id);
      if (ordinal === undefined) continue;
      const chain = this.#byIndex[this.#ordChain[ordinal] ?? 0] as ChainState;
      found.set(id, { chain: chain.name, seq: this.#ordSeq[ordinal] ?? 0 });
    }
    return found;
  }

  /** Throws ChainConflictError unless `expected` is the head including queued appends,
   * InvalidAppendError unless the batch links on from it, DuplicateEventError when an
   * event id is durable, queued or repeated. */
  admit(expected: ChainHead, batch: readonly LedgerRecord[]): void {
    const chain = this.chain(expected.chain);
    if (expected.seq !== chain.nextSeq - 1 || expected.hash !== chain.nextHash) {
      throw new ChainConflictError(expected.chain, expected.seq);
    }
    checkLinks(expected, batch);
    const seen = new Set<string>();
    const duplicates: string[] = [];
    for (const { event_id: id } of batch) {
      if (this.#ids.has(id) || this.#pendingIds.has(id) || seen.has(id)) duplicates.push(id);
      seen.add(id);
    }
    if (duplicates.length > 0) throw new DuplicateEventError(duplicates);
  }

  /** Marks an admitted batch queued: its ids are taken and the chain's next head moves to
   * its last record. */
  reserve(batch: readonly LedgerRecord[]): void {
    const last = batch[batch.length - 1] as LedgerRecord;
    const chain = this.chain(last.chain);
    chain.nextSeq = last.seq + 1;
    chain.nextHash = last.hash;
    for (const { event_id: id } of batch) this.#pendingIds.add(id);
  }

  /** Makes a durable frame's records visible to readers and the event-id index. */
  apply(header: FrameHeader, recordsStart: number, lastHash: string): ChainState {
    const chain = this.chain(header.c);
    if (header.s !== chain.count) {
      throw new LedgerCorruptError(
        `chain ${header.c}: frame starts at ${header.s}, not ${chain.count}`,
      );
    }
    const n = header.ids.length;
    const need = chain.count + n;
    chain.recOff = grow(chain.recOff, need);
    chain.recLen = grow(chain.recLen, need);
    chain.bodyOff = grow(chain.bodyOff, need);
    chain.bodyLen = grow(chain.bodyLen, need);
    this.#ordChain = grow(this.#ordChain, this.#ids.size + n);
    this.#ordSeq = grow(this.#ordSeq, this.#ids.size + n);
    let recordAt = recordsStart;
    let bodyAt = header.bo;
    for (let i = 0; i < n; i++) {
      const seq = chain.count + i;
      const rl = header.rl[i] ?? 0;
      const bl = header.bl[i] ?? 0;
      chain.recOff[seq] = recordAt;
      chain.recLen[seq] = rl;
      chain.bodyOff[seq] = bodyAt;
      chain.bodyLen[seq] = bl;
      recordAt += rl;
      bodyAt += bl;
      const id = header.ids[i] ?? '';
      const ordinal = this.#ids.size;
      this.#ids.set(id, ordinal);
      this.#pendingIds.delete(id);
      this.#ordChain[ordinal] = chain.index;
      this.#ordSeq[ordinal] = seq;
    }
    chain.count = need;
    chain.nextSeq = need;
    chain.headHash = lastHash;
    chain.nextHash = lastHash;
    return chain;
  }
}
