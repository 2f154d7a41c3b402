import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidApiKeyFileError, resolveApiKey } from '#adapters/local/http/api-key.ts';
import { removeDir, tempDir } from '#test/helpers/temp-dir.ts';

describe('resolveApiKey', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await tempDir('audit-trail-key-');
  });
  afterEach(() => removeDir(dir));

  it('creates a key file readable by its owner only, then reuses it', async () => {
    const file = join(dir, 'data', 'api-key');

    const first = await resolveApiKey(file, undefined);
    const second = await resolveApiKey(file, undefined);

    expect(first.source).toBe('created');
    expect(first.key).toMatch(/^atk_[\w-]{32}$/);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(second).toEqual({ key: first.key, source: 'file' });
  });

  it('uses a given key and writes nothing', async () => {
    const file = join(dir, 'api-key');

    const resolved = await resolveApiKey(file, 'from-env');

    expect(resolved).toEqual({ key: 'from-env', source: 'env' });
    await expect(readFile(file)).rejects.toThrow(/ENOENT/);
  });

  it('treats an empty given key as none', async () => {
    expect((await resolveApiKey(join(dir, 'api-key'), '')).source).toBe('created');
  });

  it('refuses a key file with no key in it', async () => {
    const file = join(dir, 'api-key');
    await writeFile(file, '  \n');

    await expect(resolveApiKey(file, undefined)).rejects.toThrow(InvalidApiKeyFileError);
  });
});
