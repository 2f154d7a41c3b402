import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LedgerIOError } from '#adapters/local/ledger-errors.ts';
import { openMetaStore } from '#adapters/local/ledger-meta.ts';
import { removeDir, tempDir } from '#test/helpers/temp-dir.ts';

describe('ledger meta store', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await tempDir('audit-trail-meta-');
  });
  afterEach(() => removeDir(dir));

  it('keeps forward-only meta across a reopen', async () => {
    // Prepare
    const store = await openMetaStore(dir);
    await Promise.all([
      store.set('a', { archived_through: 4 }),
      store.set('a', { archived_through: 2 }),
      store.set('b', { checkpoint_size: 3, checkpoint_frontier: ['x'] }),
    ]);
    await store.close();

    // Act
    const reopened = await openMetaStore(dir);

    // Assess
    expect(reopened.get('a')).toMatchObject({ archived_through: 4 });
    expect(reopened.get('b')).toMatchObject({ checkpoint_size: 3, checkpoint_frontier: ['x'] });
    await reopened.close();
  });

  it('refuses every set after a failed write instead of carrying on', async () => {
    // Prepare: the compaction that follows the 1001st line cannot write its temp file.
    const store = await openMetaStore(dir);
    await mkdir(join(dir, 'meta.log.tmp'));
    let failure: unknown;
    let through = 0;

    // Act
    while (failure === undefined && through < 2000) {
      through++;
      failure = await store.set('a', { archived_through: through }).catch((error) => error);
    }
    const later = await store.set('b', { archived_through: 1 }).catch((error) => error);

    // Assess
    expect(failure).toBeInstanceOf(LedgerIOError);
    expect(later).toBe(failure);
    await store.close();
  });
});
