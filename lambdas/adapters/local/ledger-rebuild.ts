import type { FileHandle } from 'node:fs/promises';
import { readAt } from './file-io.ts';
import { LedgerCorruptError } from './ledger-errors.ts';
import { type FrameHeader, parseHeader, recordsIntact, slotIntact } from './ledger-frame.ts';

/** Body slots are re-checked at open over this much of the tail, where a crash can tear. */
const BODY_TAIL_CHECK = 16 * 1024 * 1024;
/** A torn tail is at most one group of appends; anything longer is damage, not a crash. */
const MAX_TORN_TAIL = 64 * 1024 * 1024;
const SCAN_CHUNK = 8 * 1024 * 1024;

const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);

/** Where the intact files end after `rebuild`, and what it cut off. */
export interface Rebuilt {
  readonly recordsEnd: number;
  readonly bodiesEnd: number;
  readonly cutRecords: number;
  readonly cutBodies: number;
}

interface FoundFrame {
  readonly header: FrameHeader;
  /** Offset just past the header line: where the frame's records start. */
  readonly end: number;
}

/** Reads records.log front to back through a sliding window, frame by frame. */
class FrameScanner {
  readonly #records: FileHandle;
  readonly #bodies: FileHandle;
  readonly #recordsSize: number;
  readonly #bodiesSize: number;
  #window: Buffer = Buffer.alloc(0);
  #windowStart = 0;

  constructor(records: FileHandle, bodies: FileHandle, recordsSize: number, bodiesSize: number) {
    this.#records = records;
    this.#bodies = bodies;
    this.#recordsSize = recordsSize;
    this.#bodiesSize = bodiesSize;
  }

  /** Bytes [from, to) of records.log; only after `cover(from, to)` answered true. */
  slice(from: number, to: number): Buffer {
    return this.#window.subarray(from - this.#windowStart, to - this.#windowStart);
  }

  /** The frame at `at` when its header parses, its records match their checksum and (near
   * the tail) its body slots are intact; undefined when torn or malformed. */
  async intactFrameAt(at: number): Promise<FoundFrame | undefined> {
    const found = await this.#headerAt(at);
    if (found === undefined) return undefined;
    const { header, end } = found;
    if (!(await this.#cover(end, end + header.len))) return undefined;
    if (!recordsIntact(header, this.slice(end, end + header.len))) return undefined;
    const bodyEnd = header.bo + sum(header.bl);
    if (bodyEnd > this.#bodiesSize) return undefined;
    if (bodyEnd > this.#bodiesSize - BODY_TAIL_CHECK) {
      const slots = await readAt(this.#bodies, header.bo, bodyEnd - header.bo);
      let offset = 0;
      for (const length of header.bl) {
        if (!slotIntact(slots.subarray(offset, offset + length))) return undefined;
        offset += length;
      }
    }
    return found;
  }

  /** Slides the read window so it covers [from, to); false past end of file. */
  async #cover(from: number, to: number): Promise<boolean> {
    if (to > this.#recordsSize) return false;
    if (from >= this.#windowStart && to <= this.#windowStart + this.#window.length) return true;
    const length = Math.max(to - from, Math.min(SCAN_CHUNK, this.#recordsSize - from));
    this.#window = await readAt(this.#records, from, length);
    this.#windowStart = from;
    return this.#window.length >= to - from;
  }

  /** Reads the header line at `at`; undefined when torn or malformed. */
  async #headerAt(at: number): Promise<FoundFrame | undefined> {
    const size = this.#recordsSize;
    let probe = Math.min(64 * 1024, size - at);
    for (;;) {
      if (probe <= 0 || !(await this.#cover(at, at + probe))) return undefined;
      const newline = this.slice(at, at + probe).indexOf(0x0a);
      if (newline >= 0) {
        const header = parseHeader(this.slice(at, at + newline).toString('utf8'));
        return header === undefined ? undefined : { header, end: at + newline + 1 };
      }
      if (at + probe >= size) return undefined;
      probe = Math.min(probe * 2, size - at);
    }
  }
}

/**
 * Replays frame headers, checking each frame's checksum and (near the tail) its body slots.
 * The first bad frame and everything after it is a torn tail, cut off, unless an intact
 * frame follows it: then the damage is not from a crash, and opening refuses.
 */
export const rebuild = async (
  records: FileHandle,
  bodies: FileHandle,
  apply: (header: FrameHeader, recordsStart: number, lastHash: string) => void,
): Promise<Rebuilt> => {
  const recordsSize = (await records.stat()).size;
  const bodiesSize = (await bodies.stat()).size;
  const scanner = new FrameScanner(records, bodies, recordsSize, bodiesSize);
  let at = 0;
  let bodiesEnd = 0;
  while (at < recordsSize) {
    const frame = await scanner.intactFrameAt(at);
    if (frame === undefined) break;
    const { header, end } = frame;
    const lastLine = scanner.slice(
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
  if (at < recordsSize) await refuseIfDamaged(records, at, recordsSize, scanner);
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
  scanner: FrameScanner,
): Promise<void> => {
  if (size - badAt > MAX_TORN_TAIL) {
    throw new LedgerCorruptError(
      `records.log: bad frame at byte ${badAt}, ${size - badAt} bytes follow`,
    );
  }
  const tail = await readAt(records, badAt, size - badAt);
  for (let i = tail.indexOf(0x0a); i >= 0 && i + 1 < tail.length; i = tail.indexOf(0x0a, i + 1)) {
    if (tail[i + 1] === 0x7b && (await scanner.intactFrameAt(badAt + i + 1)) !== undefined) {
      throw new LedgerCorruptError(`records.log: bad frame at byte ${badAt} before intact ones`);
    }
  }
};
