/**
 * Reads one segment line into the facts the chain verifier needs: where the record claims to
 * be (chain, seq, prev), its stored hash, the hash recomputed from its envelope, and how its
 * body checks out.
 *
 * Lines in the layout of `formatRecordLine` are hashed straight from their bytes (the fast
 * path). It is sound because it only ever accepts: the envelope bytes must hash to the stored
 * hash and the body bytes to body_hash, so they are exactly the canonical texts that were
 * sealed; a layout v2 line's tail must be exactly a sealed body (`core/archive/sealed-tail.ts`),
 * which reads as `sealed` either way. Anything else, including every mismatch, goes through JSON.parse and
 * re-canonicalization (the slow path), which alone decides what is wrong.
 */
import { isUtf8 } from 'node:buffer';
import { createHash, hash as digest } from 'node:crypto';
import { sealedTailAt } from '#core/archive/sealed-tail.ts';
import { CanonicalizationError } from '#core/chain/canonical.ts';
import {
  BODY_TAG,
  type BodyCheck,
  bodyHash,
  InvalidSaltError,
  RECORD_TAG,
  recordHash,
  SALT_BYTES,
  SALT_RE,
} from '#core/chain/hash.ts';
import type { LedgerRecord } from '#core/chain/record.ts';
import { decodeHexBytes } from './hex.ts';
import type { Range } from './ranges.ts';

/** What one well-formed line says about its record. */
export interface RecordFacts {
  readonly chain: string;
  readonly seq: number;
  readonly prev: string;
  /** The hash as stored in the line. */
  readonly hash: string;
  /** The hash recomputed from the envelope; undefined if the envelope cannot be hashed. */
  readonly computed: string | undefined;
  readonly body: BodyCheck;
  /** For a purge record: the seq ranges of its chain whose bodies it removed. */
  readonly purges: readonly Range[] | undefined;
  /** Why the line is a changed record even if its hashes match: it says something other
   * than what they commit to for some JSON readers (see ambiguity). */
  readonly problem: string | undefined;
}

/** A line that is not a record. */
export class MalformedLine {
  readonly reason: string;
  /** The seq the line seems to claim, when one can be made out. */
  readonly seq: number | undefined;
  constructor(reason: string, seq: number | undefined) {
    this.reason = reason;
    this.seq = seq;
  }
}

const QUOTE = 0x22;
const CLOSE = 0x7d;
const HASH_MID = Buffer.from(',"hash":"');
const SALT_MID = Buffer.from('","body_salt":"');
const BODY_MID = Buffer.from('","body":');
const HEX_LEN = 64;
const SALT_HEX_LEN = SALT_BYTES * 2;

const recordTag = Buffer.from(RECORD_TAG, 'utf8');
const bodyTag = Buffer.from(BODY_TAG, 'utf8');
/** Reused hash inputs: most envelopes and bodies fit, larger ones are hashed in parts. */
const SCRATCH_BYTES = 256 * 1024;
const envelopeScratch = Buffer.allocUnsafe(SCRATCH_BYTES);
recordTag.copy(envelopeScratch);
const bodyScratch = Buffer.allocUnsafe(SCRATCH_BYTES);
bodyTag.copy(bodyScratch);

const envelopeHashOf = (buf: Buffer, start: number, end: number): string => {
  const length = end - start;
  if (recordTag.length + length + 1 > SCRATCH_BYTES) {
    return createHash('sha256')
      .update(recordTag)
      .update(buf.subarray(start, end))
      .update('}')
      .digest('hex');
  }
  buf.copy(envelopeScratch, recordTag.length, start, end);
  envelopeScratch[recordTag.length + length] = CLOSE;
  return digest(
    'sha256',
    scratchView(envelopeScratch, envelopeViews, recordTag.length + length + 1),
    'hex',
  );
};

/** Views of the scratch buffers by length, made once: records of a chain come in few
 * lengths, and a view per hash was the verifier's largest allocation per record. */
const envelopeViews = new Map<number, Uint8Array>();
const bodyViews = new Map<number, Uint8Array>();
const MAX_VIEWS = 4096;

/** The first `length` bytes of a scratch buffer, as a plain Uint8Array view (cheaper than
 * Buffer#subarray: no species lookup, no Buffer prototype). */
const scratchView = (
  scratch: Buffer,
  views: Map<number, Uint8Array>,
  length: number,
): Uint8Array => {
  let view = views.get(length);
  if (view === undefined) {
    if (views.size >= MAX_VIEWS) views.clear();
    view = new Uint8Array(scratch.buffer, scratch.byteOffset, length);
    views.set(length, view);
  }
  return view;
};

/** SHA-256(BODY_TAG ‖ salt ‖ body bytes) for the salt hex at `saltAt`, in `encoding`;
 * undefined if the salt is not 32 lowercase hex digits. */
const bodyDigest = (
  buf: Buffer,
  saltAt: number,
  start: number,
  end: number,
  encoding: 'hex' | 'binary',
): string | undefined => {
  if (!decodeHexBytes(buf, saltAt, SALT_BYTES, bodyScratch, bodyTag.length)) return undefined;
  const length = end - start;
  const offset = bodyTag.length + SALT_BYTES;
  if (offset + length > SCRATCH_BYTES) {
    return createHash('sha256')
      .update(bodyScratch.subarray(0, offset))
      .update(buf.subarray(start, end))
      .digest(encoding);
  }
  buf.copy(bodyScratch, offset, start, end);
  return digest('sha256', scratchView(bodyScratch, bodyViews, offset + length), encoding);
};

const LOWER_HEX = Buffer.from('0123456789abcdef', 'latin1');

/** Whether `buf` holds, at `at`, the lowercase hex of the 32 bytes of the one-byte string
 * `bytes` (a raw digest). */
const hexAt = (buf: Buffer, at: number, bytes: string): boolean => {
  if (bytes.length !== 32) return false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes.charCodeAt(i);
    if (buf[at + 2 * i] !== LOWER_HEX[b >> 4] || buf[at + 2 * i + 1] !== LOWER_HEX[b & 15]) {
      return false;
    }
  }
  return true;
};

/** Whether `buf` holds the bytes of `part` at `at` (a loop beats a native call this short). */
const bytesAt = (buf: Buffer, at: number, part: Buffer): boolean => {
  for (let i = 0; i < part.length; i++) if (buf[at + i] !== part[i]) return false;
  return true;
};

/** Whether `buf` holds the ASCII text `text` at `at`. */
const asciiAt = (buf: Buffer, at: number, text: string): boolean => {
  for (let i = 0; i < text.length; i++) if (buf[at + i] !== text.charCodeAt(i)) return false;
  return true;
};

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const isSeq = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/** Why a parsed value is not a record, or undefined if it has a record's shape. */
const shapeProblem = (v: Record<string, unknown>): string | undefined => {
  if (typeof v.chain !== 'string') return 'chain is not a string';
  if (!isSeq(v.seq)) return 'seq is not a non-negative integer';
  if (typeof v.kind !== 'string') return 'kind is not a string';
  if (typeof v.prev !== 'string') return 'prev is not a string';
  if (typeof v.body_hash !== 'string') return 'body_hash is not a string';
  return undefined;
};

const purgesOf = (v: Record<string, unknown>): Range[] | undefined => {
  if (v.kind !== 'purge' || !isObject(v.ref) || !Array.isArray(v.ref.ranges)) return undefined;
  const out: Range[] = [];
  for (const r of v.ref.ranges) {
    if (Array.isArray(r) && isSeq(r[0]) && isSeq(r[1]) && r[0] <= r[1]) out.push([r[0], r[1]]);
  }
  return out;
};

const hashable = (compute: () => string): string | undefined => {
  try {
    return compute();
  } catch (error) {
    if (error instanceof CanonicalizationError || error instanceof InvalidSaltError) {
      return undefined;
    }
    throw error;
  }
};

const SEQ_GUESS = /"seq":(\d{1,15})[,}]/;

const isSpace = (code: number): boolean =>
  code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;

/** How many member names valid JSON text holds (strings followed by a colon). */
const countNames = (text: string): number => {
  let count = 0;
  for (let open = text.indexOf('"'); open >= 0; open = text.indexOf('"', open + 1)) {
    let close = text.indexOf('"', open + 1);
    for (;;) {
      let b = close - 1;
      while (text.charCodeAt(b) === 0x5c) b--;
      if ((close - 1 - b) % 2 === 0) break;
      close = text.indexOf('"', close + 1);
    }
    let after = close + 1;
    while (isSpace(text.charCodeAt(after))) after++;
    if (text.charCodeAt(after) === 0x3a) count++;
    open = close;
  }
  return count;
};

/** How many members the objects of a parsed value hold; -1 if one is named __proto__. */
const countMembers = (value: unknown): number => {
  let count = 0;
  const todo: unknown[] = [value];
  for (let v = todo.pop(); v !== undefined; v = todo.pop()) {
    if (Array.isArray(v)) {
      for (const item of v) if (typeof item === 'object' && item !== null) todo.push(item);
      continue;
    }
    for (const key in v as object) {
      if (key === '__proto__') return -1;
      count++;
      const item = (v as Record<string, unknown>)[key];
      if (typeof item === 'object' && item !== null) todo.push(item);
    }
  }
  return count;
};

/**
 * Why the JSON text of `value` would not read the same everywhere, or undefined: a member
 * name twice in one object (JSON.parse keeps the last value, other readers the first), seen
 * as fewer members than names, or `__proto__` (which copying the parsed object turns into a
 * prototype, dropping it from the canonical form). Either lets a line show data its hashes
 * do not commit to.
 */
const ambiguity = (text: string, value: unknown): string | undefined => {
  const members = countMembers(value);
  if (members < 0) return 'a member is named __proto__';
  return members === countNames(text) ? undefined : 'a member name appears twice in one object';
};

/** The slow path: parse the whole line and re-canonicalize. */
const readParsed = (text: string, lineProblem: string | undefined): RecordFacts | MalformedLine => {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    const guess = SEQ_GUESS.exec(text)?.[1];
    return new MalformedLine('not valid JSON', guess === undefined ? undefined : Number(guess));
  }
  if (!isObject(value)) return new MalformedLine('not a JSON object', undefined);
  const problem = shapeProblem(value);
  if (problem) return new MalformedLine(problem, isSeq(value.seq) ? value.seq : undefined);
  const record = value as unknown as LedgerRecord;
  let body: BodyCheck;
  if (record.body !== undefined) {
    const salt = record.body_salt;
    const ok =
      typeof salt === 'string' && hashable(() => bodyHash(record.body, salt)) === record.body_hash;
    body = ok ? 'ok' : 'mismatch';
  } else if (record.body_enc !== undefined) {
    body = 'sealed';
  } else {
    body = record.body_ref === undefined ? 'absent' : 'by_ref';
  }
  return {
    chain: record.chain,
    seq: record.seq,
    prev: record.prev,
    hash: typeof value.hash === 'string' ? value.hash : '',
    computed: hashable(() => recordHash(record)),
    body,
    purges: purgesOf(value),
    problem: lineProblem ?? ambiguity(text, value),
  };
};

/**
 * What the chain verifier expects of the next record, when it will also compare that record
 * with a signed checkpoint root: then a laid-out line whose envelope is exactly
 * `{"body_hash":"…","chain":<chain>,…,"prev":"<prev>","seq":<seq>}` need not be parsed.
 * Its bytes hash to its stored hash, and the root check ties that hash to the bytes the
 * processor sealed (canonical JSON), so those fields can be read off by position. (Should
 * the root check not happen after all, because a seq turns out missing, that is a fault
 * already.)
 */
export interface Expectation {
  readonly chain: string;
  readonly seq: number;
  readonly prev: string;
  /** `","chain":<JSON chain>,`, the bytes after the body_hash value. */
  readonly chainPart: Buffer;
}

/** The bytes `","chain":<JSON chain>,` an Expectation holds. */
export const chainPartOf = (chain: string): Buffer =>
  Buffer.from(`","chain":${JSON.stringify(chain)},`, 'utf8');

const BODY_HASH_KEY = Buffer.from('{"body_hash":"');
const BODY_HASH_END = BODY_HASH_KEY.length + HEX_LEN;
const PREV_KEY = Buffer.from(',"prev":"');
const SEQ_KEY = Buffer.from('","seq":');

/** Where the decimal digits of `seq` start if they end just before `end`; -1 if they do not. */
const seqDigitsAt = (buf: Buffer, end: number, seq: number): number => {
  let at = end;
  let rest = seq;
  do {
    at--;
    if (buf[at] !== 0x30 + (rest % 10)) return -1;
    rest = Math.floor(rest / 10);
  } while (rest > 0);
  return at;
};

/** Whether an envelope `buf[start, mid)` has the expected layout (see Expectation); then its
 * body_hash is the hex at `start + BODY_HASH_KEY.length`. */
const hasExpectedLayout = (
  buf: Buffer,
  start: number,
  mid: number,
  expect: Expectation,
): boolean => {
  const chainEnd = start + BODY_HASH_END + expect.chainPart.length;
  const seqAt = seqDigitsAt(buf, mid, expect.seq);
  const prevAt = seqAt - SEQ_KEY.length - HEX_LEN;
  return (
    seqAt >= 0 &&
    chainEnd <= prevAt - PREV_KEY.length &&
    bytesAt(buf, start, BODY_HASH_KEY) &&
    bytesAt(buf, start + BODY_HASH_END, expect.chainPart) &&
    bytesAt(buf, prevAt - PREV_KEY.length, PREV_KEY) &&
    asciiAt(buf, prevAt, expect.prev) &&
    bytesAt(buf, seqAt - SEQ_KEY.length, SEQ_KEY)
  );
};

/** The fast path; undefined whenever it cannot accept the line as it is. */
const readLaidOut = (
  buf: Buffer,
  start: number,
  end: number,
  expect: Expectation | undefined,
): RecordFacts | undefined => {
  const mid = buf.indexOf(HASH_MID, start);
  const hashStart = mid + HASH_MID.length;
  const hashEnd = hashStart + HEX_LEN;
  if (mid < 0 || hashEnd >= end || buf[hashEnd] !== QUOTE || buf[end - 1] !== CLOSE) {
    return undefined;
  }
  // The computed hex stands for the stored one once they are byte for byte the same.
  const hash = envelopeHashOf(buf, start, mid);
  if (!asciiAt(buf, hashStart, hash)) return undefined;
  const laidOut = expect !== undefined && hasExpectedLayout(buf, start, mid, expect);
  let envelope: Record<string, unknown> | undefined;
  if (!laidOut) {
    try {
      const parsed: unknown = JSON.parse(`${buf.toString('utf8', start, mid)}}`);
      envelope = isObject(parsed) && !shapeProblem(parsed) ? parsed : undefined;
    } catch {
      envelope = undefined;
    }
    if (envelope === undefined) return undefined;
  }
  let body: BodyCheck;
  if (hashEnd + 2 === end) {
    body = 'absent';
  } else if (sealedTailAt(buf, start, end) === hashEnd) {
    // Layout v2: the tail is exactly a sealed body as the sealer writes it (sealed-tail.ts),
    // which no hash covers and only the body keys open: what the slow path makes of it,
    // without parsing and re-canonicalising the line for it.
    body = 'sealed';
  } else {
    const saltStart = hashEnd + SALT_MID.length;
    const bodyStart = saltStart + SALT_HEX_LEN + BODY_MID.length;
    if (
      bodyStart >= end ||
      !bytesAt(buf, hashEnd, SALT_MID) ||
      !bytesAt(buf, saltStart + SALT_HEX_LEN, BODY_MID)
    ) {
      return undefined;
    }
    // Laid out, body_hash is the hex after BODY_HASH_KEY: compared in place, as raw digest
    // bytes (no hex string, no body_hash string per record).
    let matches: boolean;
    if (envelope === undefined) {
      const raw = bodyDigest(buf, saltStart, bodyStart, end - 1, 'binary');
      matches = raw !== undefined && hexAt(buf, start + BODY_HASH_KEY.length, raw);
    } else {
      matches = bodyDigest(buf, saltStart, bodyStart, end - 1, 'hex') === envelope.body_hash;
    }
    if (!matches) return undefined;
    body = 'ok';
  }
  // Laid out as expected, the envelope says what the expectation does.
  const said = envelope ?? (expect as Expectation);
  return {
    chain: said.chain as string,
    seq: said.seq as number,
    prev: said.prev as string,
    hash,
    computed: hash,
    body,
    purges: envelope === undefined ? undefined : purgesOf(envelope),
    problem: undefined,
  };
};

/** Reads the line `buf[start, end)`. Never throws for bad input. */
export const readRecordLine = (
  buf: Buffer,
  start: number,
  end: number,
  expect?: Expectation,
): RecordFacts | MalformedLine => {
  if (end <= start) return new MalformedLine('empty line', undefined);
  const laidOut = readLaidOut(buf, start, end, expect);
  if (laidOut !== undefined) return laidOut;
  // Invalid bytes decode to U+FFFD: they could stand in for a committed U+FFFD unnoticed.
  const utf8 = isUtf8(buf.subarray(start, end));
  return readParsed(buf.toString('utf8', start, end), utf8 ? undefined : 'the line is not UTF-8');
};

/** How a body stored outside its record (`bytes`, its canonical JSON text) checks out
 * against the record's salt and body_hash. */
export const checkBodyBytes = (bytes: Uint8Array, salt: unknown, expected: string): BodyCheck => {
  if (typeof salt !== 'string' || !SALT_RE.test(salt)) return 'mismatch';
  const actual = createHash('sha256')
    .update(bodyTag)
    .update(Buffer.from(salt, 'hex'))
    .update(bytes)
    .digest('hex');
  return actual === expected ? 'ok' : 'mismatch';
};
