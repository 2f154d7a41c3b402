/**
 * The chain rules, all in one place.
 *
 *   body_hash = SHA-256(BODY_TAG ‖ salt (16 bytes) ‖ JCS(body))
 *   hash      = SHA-256(RECORD_TAG ‖ JCS(envelope))
 *   envelope  = the record without hash, body, body_salt, body_ref and body_enc
 *   prev      = hash of the record before (GENESIS_PREV for seq 0)
 *   Merkle leaf data = the 32 raw bytes of `hash` (see merkle.ts)
 *
 * Domain tags keep a record hash from ever being confused with a body hash, and either with
 * a Merkle node. The body is committed only through body_hash, so purging body and salt
 * leaves every record hash, link and checkpoint valid.
 */

import { createHash, hash as digest, randomBytes } from 'node:crypto';
import { CanonicalizationError, canonicalJson, setMember } from '#core/chain/canonical.ts';
import type { LedgerRecord, RecordEnvelope, SealedBody } from '#core/chain/record.ts';
import { AuditTrailError } from '#core/errors.ts';

/** Domain tag prepended to the canonical envelope before hashing. */
export const RECORD_TAG = 'ai-audit-trail/record/v1\n';
/** Domain tag prepended to salt and canonical body before hashing. */
export const BODY_TAG = 'ai-audit-trail/body/v1\n';
/** Salt length in bytes. */
export const SALT_BYTES = 16;

/** A salt as records hold it: 16 bytes, lowercase hex. */
export const SALT_RE = /^[0-9a-f]{32}$/;
/** A record or body hash as records hold it: 32 bytes, lowercase hex. */
export const HASH_RE = /^[0-9a-f]{64}$/;

/** Raised for a salt that is not 16 bytes of lowercase hex. */
export class InvalidSaltError extends AuditTrailError {
  readonly code = 'invalid_salt';
  override readonly name = 'InvalidSaltError';
}

/** Raised for a record hash that is not 32 bytes of lowercase hex. */
export class InvalidHashError extends AuditTrailError {
  readonly code = 'invalid_hash';
  override readonly name = 'InvalidHashError';
}

/** Salts are cut from a pool of random bytes: one CSPRNG call per 256 records instead of
 * one per record (it showed up at ~9% of the append profile). */
const SALT_POOL = 256;
let pool = Buffer.alloc(0);
let poolAt = 0;

/** A fresh random salt: 16 bytes, lowercase hex. */
export const newSalt = (): string => {
  if (poolAt >= pool.length) {
    pool = randomBytes(SALT_BYTES * SALT_POOL);
    poolAt = 0;
  }
  poolAt += SALT_BYTES;
  return pool.toString('hex', poolAt - SALT_BYTES, poolAt);
};

const bodyTagBytes = Buffer.from(BODY_TAG, 'utf8');
const bodyTextStart = bodyTagBytes.length + SALT_BYTES;
/** Bodies up to this many UTF-16 units hash from one reused buffer with no allocation. */
const SCRATCH_CHARS = 64 * 1024;
const scratch = Buffer.allocUnsafe(bodyTextStart + SCRATCH_CHARS * 3);
bodyTagBytes.copy(scratch);

/** SHA-256(BODY_TAG ‖ salt ‖ text) for a valid salt. */
const digestBody = (saltHex: string, text: string): string => {
  if (text.length > SCRATCH_CHARS) {
    return createHash('sha256')
      .update(bodyTagBytes)
      .update(Buffer.from(saltHex, 'hex'))
      .update(text, 'utf8')
      .digest('hex');
  }
  scratch.write(saltHex, bodyTagBytes.length, 'hex');
  const length = scratch.write(text, bodyTextStart, 'utf8');
  return digest('sha256', scratch.subarray(0, bodyTextStart + length), 'hex');
};

/** Hex SHA-256(BODY_TAG ‖ salt bytes ‖ canonical body UTF-8). Throws InvalidSaltError,
 * CanonicalizationError. */
export const bodyHash = (body: unknown, saltHex: string): string => {
  if (!SALT_RE.test(saltHex)) throw new InvalidSaltError('body salt must be 32 lowercase hex');
  return digestBody(saltHex, canonicalJson(body));
};

const OUTSIDE_ENVELOPE: ReadonlySet<string> = new Set([
  'hash',
  'body',
  'body_salt',
  'body_ref',
  'body_enc',
]);

/** The envelope of a record: everything but hash, body, body_salt and body_ref (and
 * members set to undefined). Every other field, including ones added later, is covered. */
export const envelopeOf = (record: LedgerRecord | RecordEnvelope): RecordEnvelope => {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(record)) {
    const value = (record as unknown as Record<string, unknown>)[key];
    if (value !== undefined && !OUTSIDE_ENVELOPE.has(key)) setMember(out, key, value);
  }
  return out as unknown as RecordEnvelope;
};

/** envelopeOf(`envelope` with `body_hash`), built with its members in sorted order, so
 * canonicalJson finds the top level in order and copies nothing (one object per record
 * instead of three; the canonical text is the same whatever the order). */
const sortedEnvelope = (
  envelope: Omit<RecordEnvelope, 'body_hash'>,
  bodyHash: string,
): Record<string, unknown> => {
  const keys = Object.keys(envelope);
  keys.push('body_hash');
  keys.sort();
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const value =
      key === 'body_hash' ? bodyHash : (envelope as unknown as Record<string, unknown>)[key];
    if (value !== undefined && !OUTSIDE_ENVELOPE.has(key)) setMember(out, key, value);
  }
  return out;
};

const digestEnvelope = (text: string): string => digest('sha256', RECORD_TAG + text, 'hex');

/** Hex SHA-256(RECORD_TAG ‖ canonical envelope). Accepts a whole record: the fields outside
 * the envelope are left out. Throws CanonicalizationError. */
export const recordHash = (envelope: RecordEnvelope | LedgerRecord): string =>
  digestEnvelope(canonicalJson(envelopeOf(envelope)));

/** The canonical texts each sealed record was hashed over, so the archive and the ledger
 * write them without serialising the record again (records are never changed after sealing). */
interface SealedTexts {
  readonly envelope: string;
  /** The canonical body, when the record holds it in plaintext (layout v1). */
  readonly body?: string;
  /** The canonical `body_enc`, when the record holds its body encrypted (layout v2). */
  readonly bodyEnc?: string;
}
/** Kept on the record itself under a symbol, not enumerable (JSON, Object.keys and spreads
 * never see it): a WeakMap entry per record cost ingest measurable GC time (issue 7). */
const TEXTS: unique symbol = Symbol('sealed texts');
type WithTexts = { [TEXTS]?: SealedTexts };
const attachTexts = (record: object, texts: SealedTexts): void => {
  Object.defineProperty(record, TEXTS, { value: texts, writable: true });
};

/** Encrypts a record's salt and canonical body text (layout v2, core/retention): answers the
 * `body_enc` to store and its canonical JSON text. */
export type BodyEncrypter = (
  bodyText: string,
  salt: string,
  bodyHash: string,
) => { readonly sealed: SealedBody; readonly text: string };

/** `members` (names in canonical order, as JSON.parse of a canonical text gives them) with
 * `extra` (sorted) merged in: a record in canonical member order without a sort or a copy. */
const mergeSorted = (
  members: Record<string, unknown>,
  extra: readonly (readonly [string, unknown])[],
): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  let next = 0;
  for (const key of Object.keys(members)) {
    while (next < extra.length && (extra[next] as [string, unknown])[0] < key) {
      const [name, value] = extra[next++] as [string, unknown];
      setMember(out, name, value);
    }
    setMember(out, key, members[key]);
  }
  for (; next < extra.length; next++) {
    const [name, value] = extra[next] as [string, unknown];
    setMember(out, name, value);
  }
  return out;
};

/**
 * Seals a record: commits the body through a salted body_hash (a fresh salt unless one is
 * given) and hashes the envelope. The caller sets `prev` and `seq` (see GENESIS_PREV).
 * The result is plain JSON data with every object's keys in canonical order: the body is
 * exactly the committed JSON value, and a record stored as JSON.stringify prints verifies
 * on checkRecord's fast path. With `encrypt` (layout v2) the record holds `body_enc`
 * instead of `body` and `body_salt`: the one record object is the stored one, with no
 * plaintext copy made and dropped per record (ingest CPU, issue 7). What is hashed is the
 * same either way.
 */
export const sealRecord = (
  envelope: Omit<RecordEnvelope, 'body_hash'>,
  body: unknown,
  salt: string = newSalt(),
  encrypt?: BodyEncrypter,
): LedgerRecord => {
  if (!SALT_RE.test(salt)) throw new InvalidSaltError('body salt must be 32 lowercase hex');
  const bodyText = canonicalJson(body);
  const body_hash = digestBody(salt, bodyText);
  const envelopeText = canonicalJson(sortedEnvelope(envelope, body_hash));
  const hash = digestEnvelope(envelopeText);
  // Parsed back from the canonical texts, so every nested object is in canonical order
  // and a copy of the caller's data; the top level is ordered here.
  const members = JSON.parse(envelopeText) as Record<string, unknown>;
  if (encrypt !== undefined) {
    const { sealed, text } = encrypt(bodyText, salt, body_hash);
    const record = mergeSorted(members, [
      ['body_enc', sealed],
      ['hash', hash],
    ]);
    attachTexts(record, { envelope: envelopeText, bodyEnc: text });
    return record as unknown as LedgerRecord;
  }
  const record = mergeSorted(members, [
    ['body', JSON.parse(bodyText)],
    ['body_salt', salt],
    ['hash', hash],
  ]);
  attachTexts(record, { envelope: envelopeText, body: bodyText });
  return record as unknown as LedgerRecord;
};

/** The canonical texts of a record sealRecord made in this process. */
export const sealedTextsOf = (record: LedgerRecord): SealedTexts | undefined =>
  (record as WithTexts)[TEXTS];

/** The record as layout v2 stores it: `body_enc` instead of `body` and `body_salt`, for a
 * record built in plaintext first (tests and tools; the processor seals as it builds). The
 * hashed envelope text stays attached. */
export const storedWithBody = (record: LedgerRecord, bodyEnc: SealedBody): LedgerRecord => {
  // A loop, not `{body, body_salt, ...rest}`: rest-spread is a slow generic copy.
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(record)) {
    if (key !== 'body' && key !== 'body_salt') {
      setMember(out, key, (record as unknown as Record<string, unknown>)[key]);
    }
  }
  setMember(out, 'body_enc', bodyEnc);
  const stored = out as unknown as LedgerRecord;
  const texts = (record as WithTexts)[TEXTS];
  if (texts) attachTexts(stored, { envelope: texts.envelope });
  return stored;
};

/** How a record's body checks out: `by_ref` when stored outside the record, `sealed` when
 * encrypted (layout v2: checked only by whoever holds the body keys), `absent` when neither
 * body nor pointer is there (purged, or removed: the verifier decides which). */
export type BodyCheck = 'ok' | 'mismatch' | 'absent' | 'by_ref' | 'sealed';

/** The result of checking one record on its own (links between records are the
 * verifier's business). */
export interface RecordCheck {
  readonly hash: boolean;
  readonly body: BodyCheck;
}

/**
 * Whether `value` is the JSON data committed by `expected`. JSON.stringify prints a stored
 * record's objects in the order they were written; when that is canonical order (as
 * sealRecord leaves it) the digest matches at once. A match is proof enough: equal digests
 * mean equal bytes, the committed canonical text. Otherwise the canonical form decides, and
 * a value JCS cannot represent (only a tampered record holds one) is a mismatch.
 */
const commits = (expected: string, value: unknown, hashText: (text: string) => string): boolean => {
  let text: string | undefined;
  try {
    text = JSON.stringify(value) as string | undefined;
  } catch {
    // BigInt or a cycle: leave it to the canonical form below.
  }
  if (text !== undefined && hashText(text) === expected) return true;
  try {
    return hashText(canonicalJson(value)) === expected;
  } catch (error) {
    if (error instanceof CanonicalizationError) return false;
    throw error;
  }
};

/** Recomputes a record's hash and, when the body is present, its body hash. Never throws
 * for a tampered record: unrepresentable values or a bad salt count as mismatches. */
export const checkRecord = (record: LedgerRecord): RecordCheck => {
  const hashOk = commits(record.hash, envelopeOf(record), digestEnvelope);
  if (record.body === undefined) {
    if (record.body_enc !== undefined) return { hash: hashOk, body: 'sealed' };
    return { hash: hashOk, body: record.body_ref === undefined ? 'absent' : 'by_ref' };
  }
  const salt = record.body_salt;
  const bodyOk =
    typeof salt === 'string' &&
    SALT_RE.test(salt) &&
    commits(record.body_hash, record.body, (text) => digestBody(salt, text));
  return { hash: hashOk, body: bodyOk ? 'ok' : 'mismatch' };
};

/** The Merkle leaf data of a record: the 32 raw bytes of its hex `hash`. Throws
 * InvalidHashError for anything that is not 64 lowercase hex digits. */
export const leafData = (record: Pick<LedgerRecord, 'hash'>): Uint8Array => {
  if (!HASH_RE.test(record.hash)) throw new InvalidHashError('record hash must be 64 hex');
  return Buffer.from(record.hash, 'hex');
};
