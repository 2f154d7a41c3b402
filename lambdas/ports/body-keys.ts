/**
 * The body-key store (layout v2): the mutable keys that keep bodies readable. Period keys
 * (`p/<rule>/<day>`), subject keys (`s/<subject>`) and escrowed record keys (`r/<chain>#<seq>`,
 * kept for bodies a legal hold saves). Destroying a key erases every body that needs it
 * (crypto-shredding), even where the ciphertext sits under a COMPLIANCE lock.
 * Local default: a file (adapters/local/file-body-keys.ts).
 */
export interface BodyKeyEntry {
  readonly id: string;
  /** 32 key bytes. */
  readonly key: Uint8Array;
}

export interface BodyKeysPort {
  /** The keys of `ids`, creating the missing ones; resolves only once created keys are
   * durable, so no body is ever written under a key a crash could lose. */
  ensure(ids: readonly string[]): Promise<Map<string, Uint8Array>>;
  /** The keys of those `ids` that exist. */
  get(ids: readonly string[]): Promise<Map<string, Uint8Array>>;
  /** Stores keys made elsewhere (escrowed record keys); durable when it resolves. */
  put(entries: readonly BodyKeyEntry[]): Promise<void>;
  /** Destroys keys: gone from everything the store keeps once it resolves. Answers how many
   * existed. */
  destroy(ids: readonly string[]): Promise<number>;
  /** Ids that start with `prefix`. */
  ids(prefix: string): Promise<string[]>;
}
