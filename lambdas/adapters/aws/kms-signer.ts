import { createPublicKey } from 'node:crypto';
import { GetPublicKeyCommand, type KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { formatVerifierKey } from '#core/chain/note.ts';
import { AuditTrailError } from '#core/errors.ts';
import type { SignerPort } from '#ports/signer.ts';

export interface KmsSignerOptions {
  readonly client: KMSClient;
  /** Key id, ARN or alias of an ECC_NIST_EDWARDS25519 SIGN_VERIFY key. */
  readonly keyId: string;
  /** Key name in signature lines and the verifier key, e.g. the log name. */
  readonly keyName: string;
}

/** The KMS key cannot sign C2SP notes (not an Ed25519 signing key). */
export class UnsupportedKeyError extends AuditTrailError {
  readonly code = 'unsupported_key';
  override readonly name = 'UnsupportedKeyError';
}

const ED25519 = 'ED25519_SHA_512';

/**
 * Signs checkpoint notes with a KMS asymmetric key: the private key never leaves KMS.
 * Ed25519 over the raw message (`ED25519_SHA_512`, MessageType RAW) is exactly the
 * PureEdDSA signature a C2SP signed note carries, so notes verify with the public key
 * alone. The public key comes from GetPublicKey once (SPKI DER → raw 32 bytes).
 */
export class KmsSigner implements SignerPort {
  readonly keyName: string;
  readonly #client: KMSClient;
  readonly #keyId: string;
  #publicKey: Promise<Uint8Array> | undefined;

  constructor(options: KmsSignerOptions) {
    this.#client = options.client;
    this.#keyId = options.keyId;
    this.keyName = options.keyName;
  }

  async verifierKey(): Promise<string> {
    return formatVerifierKey(this.keyName, await this.publicKey());
  }

  /** The raw 32-byte Ed25519 public key (cached; a failed fetch is retried next call). */
  publicKey(): Promise<Uint8Array> {
    this.#publicKey ??= this.#fetchPublicKey().catch((error: unknown) => {
      this.#publicKey = undefined;
      throw error;
    });
    return this.#publicKey;
  }

  async #fetchPublicKey(): Promise<Uint8Array> {
    const out = await this.#client.send(new GetPublicKeyCommand({ KeyId: this.#keyId }));
    if (out.KeySpec !== 'ECC_NIST_EDWARDS25519' || !out.SigningAlgorithms?.includes(ED25519)) {
      throw new UnsupportedKeyError(
        `KMS key ${this.#keyId} is ${out.KeySpec ?? 'unknown'}; checkpoints need ECC_NIST_EDWARDS25519`,
      );
    }
    if (!out.PublicKey) throw new UnsupportedKeyError(`KMS key ${this.#keyId} has no public key`);
    const jwk = createPublicKey({
      key: Buffer.from(out.PublicKey),
      format: 'der',
      type: 'spki',
    }).export({ format: 'jwk' });
    if (jwk.crv !== 'Ed25519' || !jwk.x) throw new UnsupportedKeyError('not an Ed25519 public key');
    return new Uint8Array(Buffer.from(jwk.x, 'base64url'));
  }

  async sign(message: Uint8Array): Promise<Uint8Array> {
    const out = await this.#client.send(
      new SignCommand({
        KeyId: this.#keyId,
        Message: message,
        MessageType: 'RAW',
        SigningAlgorithm: ED25519,
      }),
    );
    if (out.Signature?.length !== 64) {
      throw new UnsupportedKeyError(`KMS returned no Ed25519 signature for ${this.#keyId}`);
    }
    return out.Signature as Uint8Array;
  }
}
