/**
 * C2SP tlog-cosignature (https://c2sp.org/tlog-cosignature), Ed25519 `cosignature/v1`: a
 * witness's statement that, at `time`, the checkpoint is the largest consistent tree head
 * it has seen for the origin.
 *
 *   signed message = "cosignature/v1\n" ‖ "time <POSIX seconds>\n" ‖ checkpoint text
 *   signature line = — <witness name> base64(key id ‖ u64 big-endian time ‖ signature)
 *
 * The key id is computed as for any note key but with algorithm byte 0x04.
 */
import { encodeBase64 } from '#core/chain/encoding.ts';
import {
  formatVerifierKey,
  NoteFormatError,
  parseVerifierKey,
  sameBytes,
  splitNote,
  type VerifierKey,
  verifyEd25519,
} from '#core/chain/note.ts';

/** Signature algorithm byte of Ed25519 cosignature/v1 keys. */
export const ALG_COSIGNATURE_V1 = 0x04;

const KEY_ID_BYTES = 4;
const TIME_BYTES = 8;
const ED25519_SIG_BYTES = 64;

/** What a witness signs with: its name, its raw Ed25519 key, and a signing function. */
export interface Cosigner {
  readonly name: string;
  readonly publicKey: Uint8Array;
  sign(message: Uint8Array): Promise<Uint8Array>;
}

/** The witness's verifier key (`<name>+<id>+<base64(0x04 ‖ key)>`). */
export const cosignerVerifierKey = (cosigner: Pick<Cosigner, 'name' | 'publicKey'>): string =>
  formatVerifierKey(cosigner.name, cosigner.publicKey, ALG_COSIGNATURE_V1);

/** The message a cosignature signs. */
export const cosignatureMessage = (text: string, time: number): string =>
  `cosignature/v1\ntime ${time}\n${text}`;

/** A cosignature line (ending in a newline) over checkpoint `text` at POSIX `time`. */
export const cosign = async (text: string, cosigner: Cosigner, time: number): Promise<string> => {
  if (!Number.isSafeInteger(time) || time < 0) throw new NoteFormatError(`bad time ${time}`);
  const key = parseVerifierKey(cosignerVerifierKey(cosigner));
  const signature = await cosigner.sign(Buffer.from(cosignatureMessage(text, time), 'utf8'));
  const blob = Buffer.alloc(KEY_ID_BYTES + TIME_BYTES + signature.length);
  blob.set(key.id);
  blob.writeBigUInt64BE(BigInt(time), KEY_ID_BYTES);
  blob.set(signature, KEY_ID_BYTES + TIME_BYTES);
  return `— ${key.name} ${encodeBase64(blob)}\n`;
};

/** Parses a witness verifier key; throws NoteFormatError unless it is a cosignature/v1 key. */
export const parseCosignerKey = (vkey: string): VerifierKey => {
  const key = parseVerifierKey(vkey.trim());
  if (key.alg !== ALG_COSIGNATURE_V1 || key.publicKey.length !== 32) {
    throw new NoteFormatError(`${key.name} is not an Ed25519 cosignature/v1 key (alg 0x04)`);
  }
  return key;
};

/** A cosignature that verified. */
export interface VerifiedCosignature {
  /** `name+keyid` of the witness key. */
  readonly witness: string;
  readonly time: number;
}

/**
 * The cosignatures in `signedNote` that verify under the given witness keys, one per key at
 * most. Lines of other keys are ignored. Throws NoteFormatError for a malformed note or key.
 */
export const verifyCosignatures = (
  signedNote: string,
  witnessKeys: readonly string[],
): VerifiedCosignature[] => {
  const { text, lines } = splitNote(signedNote);
  const found: VerifiedCosignature[] = [];
  for (const vkey of witnessKeys) {
    const key = parseCosignerKey(vkey);
    for (const line of lines) {
      if (line.name !== key.name || !sameBytes(line.id, key.id)) continue;
      if (line.signature.length !== TIME_BYTES + ED25519_SIG_BYTES) continue;
      const time = Buffer.from(line.signature).readBigUInt64BE(0);
      if (time > BigInt(Number.MAX_SAFE_INTEGER)) continue;
      const message = cosignatureMessage(text, Number(time));
      if (verifyEd25519(message, key.publicKey, line.signature.subarray(TIME_BYTES))) {
        found.push({
          witness: `${key.name}+${Buffer.from(key.id).toString('hex')}`,
          time: Number(time),
        });
        break;
      }
    }
  }
  return found;
};
