/**
 * C2SP signed-note (https://c2sp.org/signed-note): how checkpoints are signed.
 *
 *   <text ending in \n>\n— <key name> <base64(key id ‖ signature)>\n …
 *
 * key id = first 4 bytes of SHA-256(name ‖ "\n" ‖ alg ‖ public key). Ed25519 (alg 0x01) is
 * verified here; other algorithms (a KMS signer's) parse, and verify elsewhere.
 */

import { createHash, createPublicKey, verify } from 'node:crypto';
import { decodeBase64Strict, encodeBase64 } from '#core/chain/encoding.ts';
import { AuditTrailError } from '#core/errors.ts';
import type { SignerPort } from '#ports/signer.ts';

/** Signature algorithm byte of Ed25519 in signed notes. */
export const ALG_ED25519 = 0x01;

const ED25519_KEY_BYTES = 32;
const ED25519_SIG_BYTES = 64;
const KEY_ID_BYTES = 4;
const MAX_SIGNATURES = 100;
const SIG_PREFIX = '— ';

/** Raised for a malformed note, signature line or verifier key. */
export class NoteFormatError extends AuditTrailError {
  readonly code = 'note_format';
  override readonly name = 'NoteFormatError';
}

/** A parsed verifier key. */
export interface VerifierKey {
  readonly name: string;
  readonly id: Uint8Array;
  readonly alg: number;
  readonly publicKey: Uint8Array;
}

/** What opening a note found. `reason` says why it did not verify. */
export interface OpenedNote {
  readonly text: string;
  readonly verified: boolean;
  readonly reason?: string;
}

/** Key names are non-empty and hold no white space and no `+`. */
const isValidName = (name: string): boolean =>
  name !== '' && name.isWellFormed() && !/[\p{White_Space}+]/u.test(name);

/** Note text is well-formed Unicode with no ASCII control characters but newline. */
const isValidText = (text: string): boolean => {
  if (!text.isWellFormed()) return false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 && code !== 0x0a) return false;
  }
  return true;
};

/** The 4-byte key id: SHA-256(name ‖ "\n" ‖ alg byte ‖ public key), truncated. */
export const keyId = (name: string, algAndKey: Uint8Array): Uint8Array =>
  new Uint8Array(
    createHash('sha256').update(`${name}\n`).update(algAndKey).digest().subarray(0, KEY_ID_BYTES),
  );

const algAndKeyOf = (alg: number, publicKey: Uint8Array): Uint8Array => {
  const bytes = new Uint8Array(1 + publicKey.length);
  bytes[0] = alg;
  bytes.set(publicKey, 1);
  return bytes;
};

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** `<name>+<hex key id>+<base64(alg ‖ public key)>`. Throws NoteFormatError for a bad name. */
export const formatVerifierKey = (
  name: string,
  publicKey: Uint8Array,
  alg: number = ALG_ED25519,
): string => {
  if (!isValidName(name)) throw new NoteFormatError(`invalid key name: ${JSON.stringify(name)}`);
  const algAndKey = algAndKeyOf(alg, publicKey);
  return `${name}+${hex(keyId(name, algAndKey))}+${encodeBase64(algAndKey)}`;
};

/** Parses and checks a verifier key (its id must match). Throws NoteFormatError. */
export const parseVerifierKey = (vkey: string): VerifierKey => {
  // The base64 key may itself hold `+`: only the first two separate fields.
  const [name, idHex, ...keyParts] = vkey.split('+');
  const keyText = keyParts.length === 0 ? undefined : keyParts.join('+');
  if (name === undefined || idHex === undefined || keyText === undefined) {
    throw new NoteFormatError('verifier key must be <name>+<hex id>+<base64 key>');
  }
  if (!isValidName(name)) throw new NoteFormatError(`invalid key name: ${JSON.stringify(name)}`);
  if (!/^[0-9a-f]{8}$/.test(idHex)) throw new NoteFormatError('key id must be 8 hex digits');
  const algAndKey = decodeBase64Strict(keyText);
  if (algAndKey === undefined || algAndKey.length < 2) {
    throw new NoteFormatError('verifier key must be base64 of algorithm byte and key');
  }
  const alg = algAndKey[0] as number;
  const publicKey = algAndKey.subarray(1);
  if (alg === ALG_ED25519 && publicKey.length !== ED25519_KEY_BYTES) {
    throw new NoteFormatError('an Ed25519 verifier key holds 32 bytes');
  }
  const id = keyId(name, algAndKey);
  if (hex(id) !== idHex) throw new NoteFormatError('key id does not match name and key');
  return { name, id, alg, publicKey };
};

/**
 * Signs note text (which must end with a newline) and returns the signed note with one
 * signature line. The signer's verifier key names the key and its algorithm.
 */
export const signNote = async (text: string, signer: SignerPort): Promise<string> => {
  if (!text.endsWith('\n') || !isValidText(text)) {
    throw new NoteFormatError('note text must be valid text ending in a newline');
  }
  const key = parseVerifierKey(await signer.verifierKey());
  const signature = await signer.sign(Buffer.from(text, 'utf8'));
  const blob = new Uint8Array(KEY_ID_BYTES + signature.length);
  blob.set(key.id);
  blob.set(signature, KEY_ID_BYTES);
  return `${text}\n${SIG_PREFIX}${key.name} ${encodeBase64(blob)}\n`;
};

interface SignatureLine {
  readonly name: string;
  readonly id: Uint8Array;
  readonly signature: Uint8Array;
}

const parseSignatureLine = (line: string): SignatureLine => {
  if (!line.startsWith(SIG_PREFIX)) throw new NoteFormatError('signature line must start with —');
  const rest = line.slice(SIG_PREFIX.length);
  const space = rest.indexOf(' ');
  const name = rest.slice(0, space);
  const blob = space < 0 ? undefined : decodeBase64Strict(rest.slice(space + 1));
  if (!isValidName(name) || blob === undefined || blob.length <= KEY_ID_BYTES) {
    throw new NoteFormatError('malformed signature line');
  }
  return { name, id: blob.subarray(0, KEY_ID_BYTES), signature: blob.subarray(KEY_ID_BYTES) };
};

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));

const verifyEd25519 = (text: string, publicKey: Uint8Array, signature: Uint8Array): boolean => {
  if (signature.length !== ED25519_SIG_BYTES) return false;
  try {
    const key = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(publicKey).toString('base64url') },
      format: 'jwk',
    });
    return verify(null, Buffer.from(text, 'utf8'), key, signature);
  } catch {
    // A public key that is no curve point cannot have signed anything.
    return false;
  }
};

/**
 * Splits a signed note into text and signatures and checks the signatures of `vkey`.
 * Signatures of other keys are ignored. Throws NoteFormatError for a malformed note or
 * verifier key; a note the key did not sign is `verified: false` with a reason.
 */
export const openNote = (signedNote: string, vkey: string): OpenedNote => {
  const key = parseVerifierKey(vkey);
  if (!isValidText(signedNote)) throw new NoteFormatError('note holds invalid characters');
  const split = signedNote.lastIndexOf('\n\n');
  const text = signedNote.slice(0, split + 1);
  const block = signedNote.slice(split + 2);
  if (split < 0 || block === '' || !block.endsWith('\n')) {
    throw new NoteFormatError('note must end with a blank line and signature lines');
  }
  const lines = block.slice(0, -1).split('\n').map(parseSignatureLine);
  if (lines.length > MAX_SIGNATURES) throw new NoteFormatError('too many signatures');

  const mine = lines.filter((line) => line.name === key.name && sameBytes(line.id, key.id));
  if (mine.length === 0) return { text, verified: false, reason: `no signature by ${key.name}` };
  if (key.alg !== ALG_ED25519) {
    return { text, verified: false, reason: `unsupported signature algorithm ${key.alg}` };
  }
  return mine.some((line) => verifyEd25519(text, key.publicKey, line.signature))
    ? { text, verified: true }
    : { text, verified: false, reason: `signature by ${key.name} does not verify` };
};
