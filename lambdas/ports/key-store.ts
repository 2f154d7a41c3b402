import type { Role } from '#core/access/roles.ts';

/** One API key as stored: never the key itself, only its SHA-256 digest. */
export interface StoredKey {
  readonly key_id: string;
  /** Hex SHA-256 of the key. Keys are 192 random bits, so an unsalted digest cannot be
   * reversed by guessing. */
  readonly digest: string;
  readonly tenant: string;
  readonly role: Role;
  /** Chain-key prefixes; `*` for all. */
  readonly chains: readonly string[];
  readonly created_at: string;
  readonly revoked_at?: string;
  /** Who created / revoked it (`local:<os user>` for the CLI), for the admin chain. */
  readonly created_by?: string;
  readonly revoked_by?: string;
}

/** Where API keys live: a file locally, a DynamoDB table on AWS. */
export interface KeyStore {
  /** The key with this digest, revoked or not. */
  findByDigest(digest: string): Promise<StoredKey | undefined>;
  list(): Promise<StoredKey[]>;
  add(key: StoredKey): Promise<void>;
  /** Marks a key revoked (by whom, when known); false when there is no such key. */
  revoke(keyId: string, at: string, by?: string): Promise<boolean>;
}
