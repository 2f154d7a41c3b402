import { crc32 } from 'node:zlib';
import { bodyEncJson } from '#core/archive/record-line.ts';
import type { LedgerRecord } from '#core/chain/record.ts';
import { termsOf } from '#core/search/terms.ts';

/**
 * On-disk shape of one `append` in the file ledger.
 *
 * `records.log` holds frames: a header line, then one JSON line per record holding every
 * field except `body` and `body_salt`. Those two live in `bodies.log`, one JSON line per
 * record (a "body slot", empty when the record has neither), so a later purge can blank a
 * slot in place without touching the hashed envelope. The header says where everything is,
 * so opening the ledger parses headers only, never records.
 */
export interface FrameHeader {
  /** Chain. */
  readonly c: string;
  /** Seq of the first record. */
  readonly s: number;
  /** Byte length of the record lines that follow the header. */
  readonly len: number;
  /** CRC-32 of those record lines: a torn or zero-filled tail fails it. */
  readonly crc: number;
  /** Offset in bodies.log of the first body slot. */
  readonly bo: number;
  /** Byte length of each record line. */
  readonly rl: readonly number[];
  /** Byte length of each body slot (0: none). */
  readonly bl: readonly number[];
  /** Event id of each record. */
  readonly ids: readonly string[];
  /** The frame's distinct search terms (see #core/search/terms.ts), so opening rebuilds
   * the search index from headers too; absent in frames written before search existed. */
  readonly td?: readonly string[];
  /** Each record's terms, as positions in `td` (a chain's records share most terms). */
  readonly t?: readonly (readonly number[])[];
  /** `ingested_at` of each record, epoch ms (same presence as `t`). */
  readonly ms?: readonly number[];
}

/** A frame ready to write, with the header it was described by. */
export interface EncodedFrame {
  readonly header: FrameHeader;
  /** Header line + record lines, for records.log. */
  readonly frame: Buffer;
  /** Body slots, for bodies.log at `header.bo`. */
  readonly bodies: Buffer;
  /** Offset of the first record line within `frame`. */
  readonly headerBytes: number;
}

/** Encodes an append whose body slots will start at `bodyOffset` in bodies.log. */
export const encodeFrame = (records: readonly LedgerRecord[], bodyOffset: number): EncodedFrame => {
  const lines: Buffer[] = [];
  const slots: Buffer[] = [];
  const rl: number[] = [];
  const bl: number[] = [];
  const ids: string[] = [];
  const td: string[] = [];
  const positions = new Map<string, number>();
  const t: number[][] = [];
  const ms: number[] = [];
  for (const record of records) {
    t.push(
      termsOf(record).map((term) => {
        let at = positions.get(term);
        if (at === undefined) {
          at = td.push(term) - 1;
          positions.set(term, at);
        }
        return at;
      }),
    );
    ms.push(Date.parse(record.ingested_at));
    const { body, body_salt, body_enc, ...envelope } = record;
    const line = Buffer.from(`${JSON.stringify(envelope)}\n`);
    lines.push(line);
    rl.push(line.length);
    ids.push(record.event_id);
    if (body === undefined && body_salt === undefined && body_enc === undefined) {
      bl.push(0);
    } else {
      // A sealed body's canonical text was made when it was sealed: not serialised again.
      const text =
        body_enc !== undefined && body === undefined && body_salt === undefined
          ? `{"body_enc":${bodyEncJson(record, body_enc)}}`
          : JSON.stringify({ body, body_salt, body_enc });
      const slot = Buffer.from(`${text}\n`);
      slots.push(slot);
      bl.push(slot.length);
    }
  }
  const recordBytes = Buffer.concat(lines);
  const first = records[0];
  const header: FrameHeader = {
    c: first?.chain ?? '',
    s: first?.seq ?? 0,
    len: recordBytes.length,
    crc: crc32(recordBytes),
    bo: bodyOffset,
    rl,
    bl,
    ids,
    td,
    t,
    ms,
  };
  const headerLine = Buffer.from(`${JSON.stringify(header)}\n`);
  return {
    header,
    frame: Buffer.concat([headerLine, recordBytes]),
    bodies: Buffer.concat(slots),
    headerBytes: headerLine.length,
  };
};

const isCount = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;
const isCounts = (a: unknown, length: number): a is number[] =>
  Array.isArray(a) && a.length === length && a.every(isCount);

/** Parses a header line; undefined when it is not a well-formed header. */
export const parseHeader = (line: string): FrameHeader | undefined => {
  let h: Record<string, unknown>;
  try {
    h = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof h !== 'object' || h === null) return undefined;
  const ids = h.ids;
  if (
    typeof h.c !== 'string' ||
    !isCount(h.s) ||
    !isCount(h.len) ||
    !isCount(h.crc) ||
    !isCount(h.bo) ||
    !Array.isArray(ids) ||
    ids.length === 0 ||
    !ids.every((id) => typeof id === 'string') ||
    !isCounts(h.rl, ids.length) ||
    !isCounts(h.bl, ids.length)
  ) {
    return undefined;
  }
  return h as unknown as FrameHeader;
};

/** True when the record lines match the header's length and checksum. */
export const recordsIntact = (header: FrameHeader, recordBytes: Buffer): boolean =>
  recordBytes.length === header.len && crc32(recordBytes) === header.crc;

/** Rebuilds a record from its envelope line and body slot. */
export const decodeRecord = (line: Buffer, slot: Buffer | undefined): LedgerRecord => {
  const envelope = JSON.parse(line.toString('utf8')) as LedgerRecord;
  if (slot === undefined || slot.length === 0) return envelope;
  const stored = JSON.parse(slot.toString('utf8')) as Partial<LedgerRecord>;
  return { ...envelope, ...stored };
};

/** True when a body slot is a whole JSON line (a torn or zero-filled slot is not). */
export const slotIntact = (slot: Buffer): boolean => {
  if (slot.length === 0) return true;
  if (slot[slot.length - 1] !== 0x0a) return false;
  try {
    JSON.parse(slot.toString('utf8'));
    return true;
  } catch {
    return false;
  }
};
