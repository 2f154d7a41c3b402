import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSynced } from '#adapters/local/file-io.ts';
import { removeDir, tempDir } from '#test/helpers/temp-dir.ts';

describe('mkdirSynced', () => {
  let root: string;
  beforeEach(async () => {
    root = await tempDir('audit-trail-io-');
  });
  afterEach(() => removeDir(root));

  it('creates missing parents and is a no-op on an existing directory', async () => {
    // Prepare
    const dir = join(root, 'a', 'b', 'c');

    // Act
    await mkdirSynced(dir);
    await mkdirSynced(dir);

    // Assess
    expect((await stat(dir)).isDirectory()).toBe(true);
  });
});
