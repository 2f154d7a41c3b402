import { type FileHandle, open } from 'node:fs/promises';
import { join } from 'node:path';
import { type ChainHead, GENESIS_PREV, type LedgerRecord } from '#core/chain/record.ts';
import {
  ChainConflictError,
  type ChainMeta,
  DuplicateEventError,
  type EventLocation,
  type LedgerPort,
} from '#ports/ledger.ts';
import type { RecordSearchPort } from '#ports/record-search.ts';
import { fsyncDir, mkdirSynced, readAt, writeAll } from './file-io.ts';
import { GroupCommit } from './group-commit.ts';
import {
  InvalidAppendError,
  LedgerClosedError,
  LedgerCorruptError,
  LedgerIOError,
} from './ledger-errors.ts';
import {
  decodeRecord,
  type EncodedFrame,
  encodeFrame,
  type FrameHeader,
  parseHeader,
  recordsIntact,
  slotIntact,
} from './ledger-frame.ts';
import { type MetaStore, openMetaStore } from './ledger-meta.ts';
import { SearchIndex } from './search-index.ts';

/** The file-backed ledger, plus what it had to repair when it was opened. */
export interface FileLedger extends LedgerPort, RecordSearchPort {
  readonly dir: string;
  /** Bytes of a torn tail cut off at open (an append that a crash interrupted). */
  readonly recovered: { readonly recordBytes: number; readonly bodyBytes: number };
  /** Waits for in-flight appends, then releases the files. */
  close(): Promise<void>;
}

const RECORDS_FILE = 'records.log';
const BODIES_FILE = 'bodies.log';
/** Body slots are re-checked at open over this much of the tail, where a crash can tear. */
const BODY_TAIL_CHECK = 16 * 1024 * 1024;
/** A torn tail is at most one group of appends; anything longer is damage, not a crash. */
const MAX_TORN_TAIL = 64 * 1024 * 1024;
/** How much `range` reads per I/O. */
const READ_RUN = 1024 * 1024;
const SCAN_CHUNK = 8 * 1024 * 1024;

/** Where one chain's records are, by seq; typed arrays keep ~1M records in a few MB. */
interface ChainState {
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

interface PendingAppend {
  readonly encoded: EncodedFrame;
  /** Offset of the frame in records.log. */
  readonly at: number;
  readonly lastHash: string;
}

const grow = <T extends Float64Array | Uint32Array>(array: T, need: number): T => {
  if (need <= array.length) return array;
  const bigger = new (array.constructor as new (n: number) => T)(Math.max(need, array.length * 2));
  bigger.set(array);
  return bigger;
};

const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);

/** One write of `parts` (contiguous from `at`), then fdatasync. */
const writeSynced = async (handle: FileHandle, parts: Buffer[], at: number): Promise<void> => {
  await writeAll(handle, parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts), at);
  await handle.datasync();
};

/**
 * Opens (creating if needed) a file ledger in `dir`: appends are group-committed (one write
 * and one fsync per file for all appends that arrive while the previous sync runs), and
 * resolve only once durable. Reads see durable records only. Opening rebuilds the indexes
 * from frame headers and cuts a torn tail left by a crash.
 */
export const openFileLedger = async (dir: string): Promise<FileLedger> => {
  await mkdirSynced(dir);
  const opened: { close(): Promise<void> }[] = [];
  try {
    return await openLedgerFiles(dir, opened);
  } catch (error) {
    // Refused (damaged files) or failed: release what was opened before saying so.
    for (const file of opened.reverse()) await file.close().catch(() => undefined);
    throw error;
  }
};

const openLedgerFiles = async (
  dir: string,
  opened: { close(): Promise<void> }[],
): Promise<FileLedger> => {
  const records = await open(join(dir, RECORDS_FILE), 'a+');
  opened.push(records);
  const bodies = await open(join(dir, BODIES_FILE), 'a+');
  opened.push(bodies);
  // The files may be new: their directory entries must survive a crash before any append
  // is acknowledged as durable.
  await fsyncDir(dir);
  const meta: MetaStore = await openMetaStore(dir);
  opened.push(meta);

  const chains = new Map<string, ChainState>();
  const chainByIndex: ChainState[] = [];
  /** event_id → ordinal; ordinal → (chain index, seq) in typed arrays, to keep the map lean. */
  const ids = new Map<string, number>();
  let ordChain = new Uint32Array(1024);
  let ordSeq = new Uint32Array(1024);
  const pendingIds = new Set<string>();
  const searchIndex = new SearchIndex();
  /** Frames not in the search index yet, in file order. The index is built after open in
   * the background (startup waits only for the chains), and a search first indexes what
   * is left, so it always sees every durable record. */
  const toIndex: { chain: string; first: number; header: FrameHeader }[] = [];
  let indexing: Promise<void> | undefined;
  const indexFrames = (): Promise<void> => {
    indexing ??= (async () => {
      for (let n = 1; toIndex.length > 0 && !closed; n++) {
        const { chain, first, header } = toIndex.shift() as (typeof toIndex)[number];
        const terms = header.td ?? [];
        header.t?.forEach((positions, i) => {
          searchIndex.add(chain, first + i, header.ms?.[i] ?? 0, positions, terms);
        });
        if (n % 32 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
    })().finally(() => {
      indexing = undefined;
    });
    return indexing;
  };

  const chainState = (name: string): ChainState => {
    let state = chains.get(name);
    if (state === undefined) {
      state = {
        name,
        index: chainByIndex.length,
        count: 0,
        headHash: GENESIS_PREV,
        nextSeq: 0,
        nextHash: GENESIS_PREV,
        recOff: new Float64Array(16),
        recLen: new Uint32Array(16),
        bodyOff: new Float64Array(16),
        bodyLen: new Uint32Array(16),
      };
      chains.set(name, state);
      chainByIndex.push(state);
    }
    return state;
  };

  /** Makes a frame's records visible to readers and the event-id index. */
  const applyFrame = (header: FrameHeader, recordsStart: number, lastHash: string): void => {
    const chain = chainState(header.c);
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
    ordChain = grow(ordChain, ids.size + n);
    ordSeq = grow(ordSeq, ids.size + n);
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
      const ordinal = ids.size;
      ids.set(id, ordinal);
      ordChain[ordinal] = chain.index;
      ordSeq[ordinal] = seq;
    }
    if (header.t !== undefined) toIndex.push({ chain: chain.name, first: chain.count, header });
    chain.count = need;
    chain.nextSeq = need;
    chain.headHash = lastHash;
    chain.nextHash = lastHash;
  };

  const recovered = await rebuild(records, bodies, applyFrame);
  let recordsEnd = recovered.recordsEnd;
  let bodiesEnd = recovered.bodiesEnd;

  let closed = false;
  // One write and one fdatasync per file for every append that arrived while the previous
  // sync ran; fail-stop (GroupCommit): after a failed write every append is refused.
  const appends = new GroupCommit<PendingAppend>({
    write: async (group) => {
      const first = group[0] as PendingAppend;
      // Each file syncs as soon as its own write is done.
      await Promise.all([
        writeSynced(
          records,
          group.map((p) => p.encoded.frame),
          first.at,
        ),
        writeSynced(
          bodies,
          group.map((p) => p.encoded.bodies),
          first.encoded.header.bo,
        ),
      ]);
      for (const p of group) {
        applyFrame(p.encoded.header, p.at + p.encoded.headerBytes, p.lastHash);
        for (const id of p.encoded.header.ids) pendingIds.delete(id);
      }
    },
    failure: (cause) => new LedgerIOError('ledger write failed; reopen the ledger', { cause }),
  });

  const usable = (): void => {
    if (closed) throw new LedgerClosedError();
  };

  const checkShape = (expected: ChainHead, batch: readonly LedgerRecord[]): void => {
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

  const checkDuplicates = (batch: readonly LedgerRecord[]): void => {
    const seen = new Set<string>();
    const duplicates: string[] = [];
    for (const { event_id: id } of batch) {
      if (ids.has(id) || pendingIds.has(id) || seen.has(id)) duplicates.push(id);
      seen.add(id);
    }
    if (duplicates.length > 0) throw new DuplicateEventError(duplicates);
  };

  const append = async (expected: ChainHead, batch: readonly LedgerRecord[]): Promise<void> => {
    usable();
    if (appends.failed !== undefined) throw appends.failed;
    if (batch.length === 0) return;
    const chain = chainState(expected.chain);
    if (expected.seq !== chain.nextSeq - 1 || expected.hash !== chain.nextHash) {
      throw new ChainConflictError(expected.chain, expected.seq);
    }
    checkShape(expected, batch);
    checkDuplicates(batch);
    const encoded = encodeFrame(batch, bodiesEnd);
    const at = recordsEnd;
    recordsEnd += encoded.frame.length;
    bodiesEnd += encoded.bodies.length;
    const last = batch[batch.length - 1] as LedgerRecord;
    chain.nextSeq = last.seq + 1;
    chain.nextHash = last.hash;
    for (const id of encoded.header.ids) pendingIds.add(id);
    return appends.push({ encoded, at, lastHash: last.hash });
  };

  const head = async (chain: string): Promise<ChainHead> => {
    usable();
    const state = chains.get(chain);
    return state === undefined || state.count === 0
      ? { chain, seq: -1, hash: GENESIS_PREV }
      : { chain, seq: state.count - 1, hash: state.headHash };
  };

  const locate = async (eventIds: readonly string[]): Promise<Map<string, EventLocation>> => {
    usable();
    const found = new Map<string, EventLocation>();
    for (const id of eventIds) {
      const ordinal = ids.get(id);
      if (ordinal === undefined) continue;
      const chain = chainByIndex[ordChain[ordinal] ?? 0] as ChainState;
      found.set(id, { chain: chain.name, seq: ordSeq[ordinal] ?? 0 });
    }
    return found;
  };

  async function* range(chain: string, fromSeq: number, toSeq: number) {
    usable();
    const state = chains.get(chain);
    if (state === undefined) return;
    const last = Math.min(toSeq, state.count - 1);
    let seq = Math.max(0, fromSeq);
    while (seq <= last) {
      // A run: consecutive records that sit back to back in both files, read in one go.
      let end = seq;
      let bytes = state.recLen[seq] ?? 0;
      while (
        end < last &&
        bytes < READ_RUN &&
        state.recOff[end + 1] === (state.recOff[end] ?? 0) + (state.recLen[end] ?? 0) &&
        state.bodyOff[end + 1] === (state.bodyOff[end] ?? 0) + (state.bodyLen[end] ?? 0)
      ) {
        end++;
        bytes += state.recLen[end] ?? 0;
      }
      const recStart = state.recOff[seq] ?? 0;
      const bodyStart = state.bodyOff[seq] ?? 0;
      const [recordRun, bodyRun] = await Promise.all([
        readAt(records, recStart, (state.recOff[end] ?? 0) + (state.recLen[end] ?? 0) - recStart),
        readAt(
          bodies,
          bodyStart,
          (state.bodyOff[end] ?? 0) + (state.bodyLen[end] ?? 0) - bodyStart,
        ),
      ]);
      for (let s = seq; s <= end; s++) {
        const r = (state.recOff[s] ?? 0) - recStart;
        const b = (state.bodyOff[s] ?? 0) - bodyStart;
        yield decodeRecord(
          recordRun.subarray(r, r + (state.recLen[s] ?? 0)),
          bodyRun.subarray(b, b + (state.bodyLen[s] ?? 0)),
        );
      }
      seq = end + 1;
    }
  }

  const get = async (chain: string, seq: number): Promise<LedgerRecord | undefined> => {
    for await (const record of range(chain, seq, seq)) return record;
    return undefined;
  };

  async function* chainNames() {
    usable();
    const names = [...chains.values()].filter((c) => c.count > 0).map((c) => c.name);
    yield* names.sort();
  }

  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await appends.settled();
    await indexing;
    await meta.close();
    await Promise.all([records.close(), bodies.close()]);
  };

  void indexFrames();
  return {
    dir,
    recovered: { recordBytes: recovered.cutRecords, bodyBytes: recovered.cutBodies },
    head,
    append,
    locate,
    get,
    range,
    chains: chainNames,
    search: async (query) => {
      usable();
      while (toIndex.length > 0) await indexFrames();
      return searchIndex.search(query);
    },
    meta: async (chain: string): Promise<ChainMeta> => {
      usable();
      return meta.get(chain);
    },
    setMeta: async (chain: string, update: Partial<ChainMeta>): Promise<void> => {
      usable();
      await meta.set(chain, update);
    },
    close,
  };
};

interface Rebuilt {
  readonly recordsEnd: number;
  readonly bodiesEnd: number;
  readonly cutRecords: number;
  readonly cutBodies: number;
}

/**
 * Replays frame headers, checking each frame's checksum and (near the tail) its body slots.
 * The first bad frame and everything after it is a torn tail, cut off, unless an intact
 * frame follows it: then the damage is not from a crash, and opening refuses.
 */
const rebuild = async (
  records: FileHandle,
  bodies: FileHandle,
  apply: (header: FrameHeader, recordsStart: number, lastHash: string) => void,
): Promise<Rebuilt> => {
  const recordsSize = (await records.stat()).size;
  const bodiesSize = (await bodies.stat()).size;
  let window: Buffer = Buffer.alloc(0);
  let windowStart = 0;
  /** Slides the read window so it covers [from, to); false past end of file. */
  const cover = async (from: number, to: number): Promise<boolean> => {
    if (to > recordsSize) return false;
    if (from >= windowStart && to <= windowStart + window.length) return true;
    const length = Math.max(to - from, Math.min(SCAN_CHUNK, recordsSize - from));
    window = await readAt(records, from, length);
    windowStart = from;
    return window.length >= to - from;
  };
  const slice = (from: number, to: number): Buffer =>
    window.subarray(from - windowStart, to - windowStart);

  /** Reads the header line at `at`; undefined when torn or malformed. */
  const headerAt = async (
    at: number,
  ): Promise<{ header: FrameHeader; end: number } | undefined> => {
    let probe = Math.min(64 * 1024, recordsSize - at);
    for (;;) {
      if (probe <= 0 || !(await cover(at, at + probe))) return undefined;
      const newline = slice(at, at + probe).indexOf(0x0a);
      if (newline >= 0) {
        const header = parseHeader(slice(at, at + newline).toString('utf8'));
        return header === undefined ? undefined : { header, end: at + newline + 1 };
      }
      if (at + probe >= recordsSize) return undefined;
      probe = Math.min(probe * 2, recordsSize - at);
    }
  };

  const intactFrameAt = async (
    at: number,
  ): Promise<{ header: FrameHeader; end: number } | undefined> => {
    const found = await headerAt(at);
    if (found === undefined) return undefined;
    const { header, end } = found;
    if (!(await cover(end, end + header.len))) return undefined;
    if (!recordsIntact(header, slice(end, end + header.len))) return undefined;
    const bodyEnd = header.bo + sum(header.bl);
    if (bodyEnd > bodiesSize) return undefined;
    if (bodyEnd > bodiesSize - BODY_TAIL_CHECK) {
      const slots = await readAt(bodies, header.bo, bodyEnd - header.bo);
      let offset = 0;
      for (const length of header.bl) {
        if (!slotIntact(slots.subarray(offset, offset + length))) return undefined;
        offset += length;
      }
    }
    return found;
  };

  let at = 0;
  let bodiesEnd = 0;
  while (at < recordsSize) {
    const frame = await intactFrameAt(at);
    if (frame === undefined) break;
    const { header, end } = frame;
    const lastLine = slice(
      end + header.len - (header.rl[header.rl.length - 1] ?? 0),
      end + header.len,
    );
    const lastHash = (JSON.parse(lastLine.toString('utf8')) as { hash?: unknown }).hash;
    if (typeof lastHash !== 'string')
      throw new LedgerCorruptError(`chain ${header.c}: no head hash`);
    apply(header, end, lastHash);
    at = end + header.len;
    bodiesEnd = header.bo + sum(header.bl);
  }
  if (at < recordsSize) await refuseIfDamaged(records, at, recordsSize, intactFrameAt);
  const cutRecords = recordsSize - at;
  const cutBodies = bodiesSize - bodiesEnd;
  if (cutRecords > 0) await records.truncate(at);
  if (cutBodies > 0) await bodies.truncate(bodiesEnd);
  if (cutRecords > 0 || cutBodies > 0) await Promise.all([records.sync(), bodies.sync()]);
  return { recordsEnd: at, bodiesEnd, cutRecords, cutBodies };
};

/** A crash tears only the last group of appends; an intact frame after a bad one is damage. */
const refuseIfDamaged = async (
  records: FileHandle,
  badAt: number,
  size: number,
  intactFrameAt: (at: number) => Promise<unknown>,
): Promise<void> => {
  if (size - badAt > MAX_TORN_TAIL) {
    throw new LedgerCorruptError(
      `records.log: bad frame at byte ${badAt}, ${size - badAt} bytes follow`,
    );
  }
  const tail = await readAt(records, badAt, size - badAt);
  for (let i = tail.indexOf(0x0a); i >= 0 && i + 1 < tail.length; i = tail.indexOf(0x0a, i + 1)) {
    if (tail[i + 1] === 0x7b && (await intactFrameAt(badAt + i + 1)) !== undefined) {
      throw new LedgerCorruptError(`records.log: bad frame at byte ${badAt} before intact ones`);
    }
  }
};
