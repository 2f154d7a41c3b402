/**
 * Layout v2 bodies: `body_salt ‖ canonical body` encrypted with AES-256-GCM under a record key
 *
 *   record key = HKDF-Expand-SHA256(PRK = period key ‖ subject key,
 *                                   info = "ai-audit-trail/body-key/v2\n" ‖ chain ‖ "\n" ‖ seq, 32)
 *              = HMAC-SHA256(period key ‖ subject key, info ‖ 0x01)
 *   (both keys are uniformly random, so RFC 5869's extract step is skipped, as §3.3 allows:
 *   one HMAC per record instead of hkdfSync's several)
 *   AAD        = chain ‖ "\n" ‖ seq ‖ "\n" ‖ body_hash
 *
 * so destroying the period key (retention) or the subject key (erasure) makes the body
 * unreadable, and a ciphertext cannot be moved to another record. An escrowed record key
 * (`r/<chain>#<seq>`, kept for a legal hold) opens one body without either.
 */
import { createCipheriv, createDecipheriv, hash, randomBytes } from 'node:crypto';
import { bodyEncText, CT_OPEN } from '#core/archive/body-enc-text.ts';
import type { LedgerRecord, SealedBody } from '#core/chain/record.ts';

const INFO = 'ai-audit-trail/body-key/v2\n';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export const periodKeyId = (period: string): string => `p/${period}`;
export const subjectKeyId = (subject: string): string => `s/${subject}`;
export const recordKeyId = (chain: string, seq: number): string => `r/${chain}#${seq}`;

/** The key ids a sealed body needs (either the record key, or both others). */
export const keyIdsOf = (chain: string, seq: number, sealed: SealedBody): string[] => [
  recordKeyId(chain, seq),
  periodKeyId(sealed.p),
  subjectKeyId(sealed.s),
];

/** HMAC-SHA256 (RFC 2104) with the 64-byte key `periodKey ‖ subjectKey` (one SHA-256 block,
 * so no pre-hash), as two one-shot hashes over reused buffers: the same bytes createHmac
 * gives, without a native Hmac object and key import per record (ingest CPU, issue 7). */
const BLOCK = 64;
const inner = Buffer.alloc(BLOCK + 1024);
const outer = Buffer.alloc(BLOCK + 32);

/** Writes the record key from the period and subject keys into `into` (32 bytes). Digests
 * come back as hex strings and are written into reused buffers: no Buffer (a native
 * ArrayBuffer the GC must track) per record. */
const recordKeyInto = (
  into: Buffer,
  periodKey: Uint8Array,
  subjectKey: Uint8Array,
  chain: string,
  seq: number,
): Buffer => {
  if (periodKey.length + subjectKey.length !== BLOCK)
    throw new RangeError('body keys are 32 bytes');
  for (let i = 0; i < BLOCK; i++) {
    const k = (i < 32 ? periodKey[i] : subjectKey[i - 32]) as number;
    inner[i] = k ^ 0x36;
    outer[i] = k ^ 0x5c;
  }
  const info = `${INFO}${chain}\n${seq}\u0001`;
  const message =
    Buffer.byteLength(info, 'utf8') <= inner.length - BLOCK
      ? inner.subarray(0, BLOCK + inner.write(info, BLOCK, 'utf8'))
      : Buffer.concat([inner.subarray(0, BLOCK), Buffer.from(info, 'utf8')]);
  outer.write(hash('sha256', message, 'hex'), BLOCK, 'hex');
  into.write(hash('sha256', outer, 'hex'), 0, 'hex');
  return into;
};

/** The record key from the period and subject keys (a new Buffer: escrow keeps it). */
export const deriveRecordKey = (
  periodKey: Uint8Array,
  subjectKey: Uint8Array,
  chain: string,
  seq: number,
): Buffer => recordKeyInto(Buffer.alloc(32), periodKey, subjectKey, chain, seq);

const keyScratch = Buffer.alloc(32);

/** Encrypts a body under the record key derived from its period and subject keys, the key
 * held only in a reused buffer (createCipheriv copies it). */
export const sealBody = (
  periodKey: Uint8Array,
  subjectKey: Uint8Array,
  where: { chain: string; seq: number; body_hash: string },
  period: string,
  subject: string,
  salt: string,
  bodyText: string,
): SealedBody => {
  const key = recordKeyInto(keyScratch, periodKey, subjectKey, where.chain, where.seq);
  const { ct, iv } = encryptParts(key, where, salt, bodyText);
  return { ct, iv, p: period, s: subject, v: 2 };
};

/**
 * sealBody, with the canonical JSON text of the `body_enc` made at once (the ledger slot and
 * the archive line write it as is). Base64 needs no JSON escape, so the text is joined from
 * its parts: JSON.stringify of the ~1.4 KB ciphertext (a scan for characters to escape) and
 * two objects per record showed at ~10% of a seal profile (issue 7). Members in canonical
 * order; `ct` is a slice of the text, so a record holds its ciphertext once. `periodJson`
 * and `subjectJson` are JSON.stringify of `period` and `subject` when the caller has them.
 */
export const sealBodyWithText = (
  periodKey: Uint8Array,
  subjectKey: Uint8Array,
  where: { chain: string; seq: number; body_hash: string },
  period: string,
  subject: string,
  salt: string,
  bodyText: string,
  periodJson: string = JSON.stringify(period),
  subjectJson: string = JSON.stringify(subject),
): { readonly sealed: SealedBody; readonly text: string } => {
  const key = recordKeyInto(keyScratch, periodKey, subjectKey, where.chain, where.seq);
  const { ct, iv } = encryptParts(key, where, salt, bodyText);
  const text = bodyEncText(ct, iv, periodJson, subjectJson);
  return {
    sealed: {
      ct: text.slice(CT_OPEN.length, CT_OPEN.length + ct.length),
      iv,
      p: period,
      s: subject,
      v: 2,
    },
    text,
  };
};

/** IVs are cut from a pool of random bytes: one CSPRNG call per 256 bodies (as salts are),
 * and one base64 encoding of the pool: an IV is 12 bytes, a multiple of 3, so the base64 of
 * each is 16 characters of the pool's, at a fixed place (no encoding call per record). */
const IV_POOL = 256;
const IV_CHARS = (IV_BYTES / 3) * 4;
let ivPool = Buffer.alloc(0);
let ivPoolText = '';
let ivAt = 0;
const nextIvAt = (): number => {
  if (ivAt >= ivPool.length) {
    ivPool = randomBytes(IV_BYTES * IV_POOL);
    ivPoolText = ivPool.toString('base64');
    ivAt = 0;
  }
  ivAt += IV_BYTES;
  return ivAt - IV_BYTES;
};
/** The base64 of the pool's IV at byte `at`. */
const ivTextAt = (at: number): string => {
  const from = (at / IV_BYTES) * IV_CHARS;
  return ivPoolText.slice(from, from + IV_CHARS);
};

/** Reused input buffers (AAD, plaintext): a body is encoded once, straight into the cipher's
 * input, with no intermediate string or copy per record (ingest CPU and garbage, issue 7). */
const aadScratch = Buffer.alloc(1024);
let plainScratch = Buffer.alloc(64 * 1024);

const aadOf = (chain: string, seq: number, bodyHash: string): Buffer => {
  const text = `${chain}\n${seq}\n${bodyHash}`;
  return text.length * 3 <= aadScratch.length
    ? aadScratch.subarray(0, aadScratch.write(text, 0, 'utf8'))
    : Buffer.from(text, 'utf8');
};

/** `salt ‖ text` as UTF-8 in the reused plaintext buffer (grown when a body needs more). */
const plaintextOf = (salt: string, text: string): Buffer => {
  const most = (salt.length + text.length) * 3;
  if (most > plainScratch.length) plainScratch = Buffer.alloc(most);
  const at = plainScratch.write(salt, 0, 'utf8');
  return plainScratch.subarray(0, at + plainScratch.write(text, at, 'utf8'));
};

/** Base64 of `head ‖ tag` in one encoding call: both copied into a reused buffer (a
 * memcpy of ~1 KB), rather than a prefix and a joined tail encoded apart and concatenated
 * (a Buffer.concat, two strings and a rope to flatten per record, issue 7). */
let ctScratch = Buffer.alloc(64 * 1024);
const base64Of = (head: Buffer, tag: Buffer): string => {
  const length = head.length + tag.length;
  if (length > ctScratch.length) ctScratch = Buffer.alloc(length);
  ctScratch.set(head, 0);
  ctScratch.set(tag, head.length);
  return ctScratch.toString('base64', 0, length);
};

/** Salt and canonical body text encrypted under `key`: ciphertext ‖ tag and IV, base64. */
const encryptParts = (
  key: Uint8Array,
  where: { chain: string; seq: number; body_hash: string },
  salt: string,
  bodyText: string,
): { readonly ct: string; readonly iv: string } => {
  const at = nextIvAt();
  const cipher = createCipheriv('aes-256-gcm', key, ivPool.subarray(at, at + IV_BYTES));
  cipher.setAAD(aadOf(where.chain, where.seq, where.body_hash));
  const head = cipher.update(plaintextOf(salt, bodyText));
  cipher.final(); // GCM: no output, computes the tag
  return {
    ct: base64Of(head, cipher.getAuthTag()),
    iv: ivTextAt(at),
  };
};

/** Encrypts salt and canonical body text for one record. */
export const encryptBody = (
  key: Uint8Array,
  where: { chain: string; seq: number; body_hash: string },
  period: string,
  subject: string,
  salt: string,
  bodyText: string,
): SealedBody => {
  const { ct, iv } = encryptParts(key, where, salt, bodyText);
  // Members in canonical (sorted) order: JSON.stringify of it is its RFC 8785 text.
  return { ct, iv, p: period, s: subject, v: 2 };
};

/** The key that opens a record's body from the keys found, or undefined (erased). */
export const recordKeyFrom = (
  record: Pick<LedgerRecord, 'chain' | 'seq'>,
  sealed: SealedBody,
  keys: ReadonlyMap<string, Uint8Array>,
): Uint8Array | undefined => {
  const escrowed = keys.get(recordKeyId(record.chain, record.seq));
  if (escrowed) return escrowed;
  const p = keys.get(periodKeyId(sealed.p));
  const s = keys.get(subjectKeyId(sealed.s));
  return p && s ? deriveRecordKey(p, s, record.chain, record.seq) : undefined;
};

/** Salt and canonical body text, or undefined when the ciphertext does not authenticate. */
export const decryptBody = (
  key: Uint8Array,
  record: Pick<LedgerRecord, 'chain' | 'seq' | 'body_hash'>,
  sealed: SealedBody,
): { readonly salt: string; readonly text: string } | undefined => {
  try {
    const iv = Buffer.from(sealed.iv, 'base64');
    const all = Buffer.from(sealed.ct, 'base64');
    if (iv.length !== IV_BYTES || all.length < TAG_BYTES) return undefined;
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(aadOf(record.chain, record.seq, record.body_hash));
    decipher.setAuthTag(all.subarray(all.length - TAG_BYTES));
    const plain = Buffer.concat([
      decipher.update(all.subarray(0, all.length - TAG_BYTES)),
      decipher.final(),
    ]).toString('utf8');
    return { salt: plain.slice(0, 32), text: plain.slice(32) };
  } catch {
    return undefined;
  }
};
