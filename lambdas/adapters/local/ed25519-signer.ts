/**
 * The local default signer: an Ed25519 key kept in `<dir>/signing-key.pem` (PKCS#8, mode
 * 0600), created on first use.
 */

import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomUUID,
  sign,
} from 'node:crypto';
import { link, mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_LOG_NAME } from '#core/chain/checkpoint.ts';
import { formatVerifierKey } from '#core/chain/note.ts';
import { AuditTrailError } from '#core/errors.ts';
import type { SignerPort } from '#ports/signer.ts';
import { isErrnoCode, writeFileSynced } from './file-io.ts';

/** File name of the private key inside the signer's directory. */
export const SIGNING_KEY_FILE = 'signing-key.pem';

/** Raised when the key file holds something other than an Ed25519 private key. */
export class SigningKeyError extends AuditTrailError {
  readonly code = 'signing_key';
  override readonly name = 'SigningKeyError';
}

const readKey = async (path: string): Promise<KeyObject> => {
  const key = createPrivateKey(await readFile(path, 'utf8'));
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new SigningKeyError(`${path} holds a ${key.asymmetricKeyType} key, not Ed25519`);
  }
  return key;
};

/**
 * Returns the key in the key file, creating the file first if there is none. A new key is
 * written to a private temporary file (flag `wx`) and linked into place: linking fails when
 * the name is taken, so of two processes starting together exactly one creates the key and
 * neither ever reads a half-written file.
 */
const loadOrCreateKey = async (dir: string): Promise<KeyObject> => {
  const path = join(dir, SIGNING_KEY_FILE);
  try {
    return await readKey(path);
  } catch (error) {
    if (!isErrnoCode(error, 'ENOENT')) throw error;
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' });
  const temporary = `${path}.${randomUUID()}.tmp`;
  await writeFileSynced(temporary, pem, 'wx', 0o600);
  try {
    await link(temporary, path);
  } catch (error) {
    if (!isErrnoCode(error, 'EEXIST')) throw error;
  } finally {
    await rm(temporary, { force: true });
  }
  return readKey(path);
};

/** The raw 32-byte Ed25519 public key of a private key. */
const rawPublicKey = (privateKey: KeyObject): Uint8Array => {
  const { x } = createPublicKey(privateKey).export({ format: 'jwk' });
  return new Uint8Array(Buffer.from(x as string, 'base64url'));
};

/** Loads the signer's key from `dir`, creating it on first use. */
export const loadOrCreateEd25519Signer = async (
  dir: string,
  keyName: string = DEFAULT_LOG_NAME,
): Promise<SignerPort & { readonly publicKeyRaw: Uint8Array }> => {
  const privateKey = await loadOrCreateKey(dir);
  const publicKeyRaw = rawPublicKey(privateKey);
  const vkey = formatVerifierKey(keyName, publicKeyRaw);
  return {
    keyName,
    publicKeyRaw,
    verifierKey: async () => vkey,
    sign: async (message) => new Uint8Array(sign(null, message, privateKey)),
  };
};
