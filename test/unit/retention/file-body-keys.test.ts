import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openFileBodyKeys } from '#adapters/local/file-body-keys.ts';
import { removeDir, tempDir } from '#test/helpers/temp-dir.ts';

let dir: string;
beforeEach(async () => {
  dir = await tempDir('body-keys-');
});
afterEach(() => removeDir(dir));

describe('file body-key store', () => {
  it('creates keys once, keeps them across reopen, and forgets destroyed ones on disk', async () => {
    const keys = await openFileBodyKeys(dir);
    const first = await keys.ensure(['p/a', 's/b']);
    const again = await keys.ensure(['p/a', 's/b', 's/c']);
    expect(again.get('p/a')).toEqual(first.get('p/a'));
    const hex = Buffer.from(first.get('s/b') as Uint8Array).toString('hex');
    expect(await readFile(join(dir, 'keys.jsonl'), 'utf8')).toContain(hex);

    expect(await keys.destroy(['s/b', 's/missing'])).toBe(1);
    expect(await readFile(join(dir, 'keys.jsonl'), 'utf8')).not.toContain(hex);
    const reopened = await openFileBodyKeys(dir);
    expect([...(await reopened.get(['p/a', 's/b', 's/c'])).keys()]).toEqual(['p/a', 's/c']);
    expect(await reopened.ids('s/')).toEqual(['s/c']);
  });
});
