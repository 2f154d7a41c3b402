import type { KeyStore, StoredKey } from '#ports/key-store.ts';

export interface KeyCacheOptions {
  /** How long an answer (a key, or "no such key") is trusted, ms. A revoked key stops
   * working within this time. */
  readonly ttlMs: number;
  /** Most digests remembered; the oldest entry goes first. @default 10_000 */
  readonly maxEntries?: number;
  readonly now?: () => number;
}

/**
 * A key lookup remembered in memory for `ttlMs`: the authorizer reads one item by digest
 * (GetItem) per key and TTL, never a list of keys, and a flood of unknown keys costs one
 * read each per TTL at most (misses are remembered too). Concurrent lookups of one digest
 * share one read.
 */
export const cachedKeyLookup = (
  store: Pick<KeyStore, 'findByDigest'>,
  options: KeyCacheOptions,
): Pick<KeyStore, 'findByDigest'> => {
  const max = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, { at: number; key: Promise<StoredKey | undefined> }>();
  return {
    findByDigest: (digest) => {
      const hit = entries.get(digest);
      if (hit !== undefined && now() - hit.at < options.ttlMs) return hit.key;
      entries.delete(digest);
      const key = store.findByDigest(digest);
      // A failed read is not remembered: the next request tries again.
      key.catch(() => entries.delete(digest));
      entries.set(digest, { at: now(), key });
      if (entries.size > max) entries.delete(entries.keys().next().value as string);
      return key;
    },
  };
};
