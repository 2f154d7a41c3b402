/**
 * Signs checkpoint notes (C2SP signed-note). Local default: an Ed25519 key file;
 * AWS: a KMS asymmetric key.
 */
export interface SignerPort {
  /** Key name as it appears in signature lines, e.g. `audit-trail.local`. */
  readonly keyName: string;
  /** C2SP verifier key: `<name>+<hex key id>+<base64(alg byte ‖ public key)>`. */
  verifierKey(): Promise<string>;
  /** Raw signature over the message (64 bytes for Ed25519). */
  sign(message: Uint8Array): Promise<Uint8Array>;
}
