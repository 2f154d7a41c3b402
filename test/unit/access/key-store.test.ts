import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openFileKeyStore } from '#adapters/local/file-key-store.ts';
import { authenticate, createKey, InvalidKeyRequestError } from '#core/access/keys.ts';
import { removeDir, tempDir } from '#test/helpers/temp-dir.ts';

let dir: string;
afterEach(async () => removeDir(dir));

describe('file key store', () => {
  it('stores digests only, authenticates by key and stops a revoked key', async () => {
    // Prepare
    dir = await tempDir('keys-');
    const file = join(dir, 'access-keys.json');
    const store = openFileKeyStore(file);
    // Act
    const { key, stored } = await createKey(
      { role: 'ingest', chains: ['loan_'], tenant: 'acme' },
      store,
      new Date(),
    );
    // Assess
    expect(await readFile(file, 'utf8')).not.toContain(key);
    expect(await authenticate({ 'x-api-key': key }, store)).toEqual({
      key_id: stored.key_id,
      tenant: 'acme',
      role: 'ingest',
      chains: ['loan_'],
    });
    expect(await authenticate({ 'x-api-key': `${key}x` }, store)).toBeUndefined();
    // A second store on the same file (the CLI) revokes; the first sees it.
    expect(await openFileKeyStore(file).revoke(stored.key_id, '2026-01-01T00:00:00Z')).toBe(true);
    expect(await authenticate({ authorization: `Bearer ${key}` }, store)).toBeUndefined();
    expect(await store.revoke('key_nope', 'x')).toBe(false);
  });

  it('refuses a bad tenant or an empty chain list', async () => {
    dir = await tempDir('keys-');
    const store = openFileKeyStore(join(dir, 'k.json'));
    await expect(
      createKey({ role: 'admin', tenant: 'Bad Tenant' }, store, new Date()),
    ).rejects.toThrow(InvalidKeyRequestError);
    await expect(createKey({ role: 'admin', chains: [] }, store, new Date())).rejects.toThrow(
      InvalidKeyRequestError,
    );
  });
});
