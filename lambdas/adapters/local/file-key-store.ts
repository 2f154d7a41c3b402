import { mkdir, readFile, rename, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AuditTrailError } from '#core/errors.ts';
import type { KeyStore, StoredKey } from '#ports/key-store.ts';
import { fsyncDir, isErrnoCode, writeFileSynced } from './file-io.ts';

/** The key file is damaged: refuse rather than guess who may do what. */
export class InvalidKeyFileError extends AuditTrailError {
  override readonly name = 'InvalidKeyFileError';
  readonly code = 'invalid_key_file';
}

/**
 * API keys in one JSON file (mode 0600), digests only. The CLI writes it (atomically, by
 * rename) while a server runs; the server re-reads it when its size or mtime changed, so a
 * created key works and a revoked one stops at once, without a restart. `fixed` keys (the
 * development key) are answered without being written.
 */
export const openFileKeyStore = (file: string, fixed: readonly StoredKey[] = []): KeyStore => {
  let cache: { stamp: string; keys: StoredKey[] } | undefined;

  const load = async (): Promise<StoredKey[]> => {
    let stamp = 'none';
    try {
      const s = await stat(file);
      stamp = `${s.size}:${s.mtimeMs}:${s.ino}`;
    } catch (error) {
      if (!isErrnoCode(error, 'ENOENT')) throw error;
    }
    if (cache?.stamp === stamp) return cache.keys;
    const keys = stamp === 'none' ? [] : parse(await readFile(file, 'utf8'));
    cache = { stamp, keys };
    return keys;
  };

  const parse = (text: string): StoredKey[] => {
    try {
      const value = JSON.parse(text) as { keys?: unknown };
      if (Array.isArray(value.keys)) return value.keys as StoredKey[];
    } catch {
      // reported below
    }
    throw new InvalidKeyFileError(`${file} is not a key file`);
  };

  const save = async (keys: readonly StoredKey[]): Promise<void> => {
    await mkdir(dirname(file), { recursive: true });
    const temp = `${file}.tmp`;
    await writeFileSynced(temp, `${JSON.stringify({ keys }, null, 2)}\n`, 'w', 0o600);
    await rename(temp, file);
    await fsyncDir(dirname(file));
  };

  return {
    findByDigest: async (digest) =>
      fixed.find((k) => k.digest === digest) ?? (await load()).find((k) => k.digest === digest),
    list: async () => [...fixed, ...(await load())],
    add: async (key) => save([...(await load()), key]),
    revoke: async (keyId, at, by) => {
      const keys = await load();
      const found = keys.find((k) => k.key_id === keyId);
      if (found === undefined) return false;
      if (found.revoked_at === undefined) {
        await save(
          keys.map((k) =>
            k === found
              ? { ...k, revoked_at: at, ...(by === undefined ? {} : { revoked_by: by }) }
              : k,
          ),
        );
      }
      return true;
    },
  };
};
