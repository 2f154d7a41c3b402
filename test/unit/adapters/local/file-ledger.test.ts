import { appendFile, readdir, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FileLedger, openFileLedger } from '#adapters/local/file-ledger.ts';
import {
  InvalidAppendError,
  LedgerClosedError,
  LedgerCorruptError,
} from '#adapters/local/ledger-errors.ts';
import type { LedgerRecord } from '#core/chain/record.ts';
import { ChainConflictError, DuplicateEventError } from '#ports/ledger.ts';
import { collect } from '#test/helpers/collect.ts';
import { removeDir, tempDir } from '#test/helpers/temp-dir.ts';
import { emptyHead, headAfter, recordsAfter } from './ledger-records.ts';

describe('file ledger', () => {
  let dir: string;
  let ledger: FileLedger;

  beforeEach(async () => {
    dir = await tempDir('file-ledger-');
    ledger = await openFileLedger(dir);
  });

  afterEach(async () => {
    await ledger.close();
    await removeDir(dir);
  });

  const reopen = async (): Promise<FileLedger> => {
    await ledger.close();
    ledger = await openFileLedger(dir);
    return ledger;
  };

  /** Two appends of two records to `app`, then the ledger closed; answers the first append. */
  const twoAppendsThenClose = async (): Promise<LedgerRecord[]> => {
    const first = recordsAfter(emptyHead('app'), 2);
    await ledger.append(emptyHead('app'), first);
    await ledger.append(headAfter(first), recordsAfter(headAfter(first), 2));
    await ledger.close();
    return first;
  };

  /** Changes one byte inside the first record frame at rest (the frames after it stay intact). */
  const damageFirstFrame = async (): Promise<void> => {
    const path = join(dir, 'records.log');
    const bytes = await readFile(path);
    bytes.write('D', bytes.indexOf('"kind":"decision"') + 8);
    await writeFile(path, bytes);
  };

  it('appends records and reads them back by head, get and range', async () => {
    // Prepare
    const batch = recordsAfter(emptyHead('app'), 5);

    // Act
    await ledger.append(emptyHead('app'), batch);

    // Assess
    expect(await ledger.head('app')).toEqual(headAfter(batch));
    expect(await ledger.get('app', 3)).toEqual(batch[3]);
    expect(await ledger.get('app', 5)).toBeUndefined();
    expect(await collect(ledger.range('app', 1, 3))).toEqual(batch.slice(1, 4));
    expect(await collect(ledger.range('app', 0, 99))).toEqual(batch);
    expect(await ledger.head('other')).toEqual(emptyHead('other'));
  });

  it('keeps records without a body free of body fields', async () => {
    // Prepare
    const [record] = recordsAfter(emptyHead('app'), 1);
    const { body: _body, body_salt: _salt, ...bodiless } = record as LedgerRecord;

    // Act
    await ledger.append(emptyHead('app'), [bodiless]);

    // Assess
    expect(await ledger.get('app', 0)).toEqual(bodiless);
  });

  it('refuses an append whose expected head is stale, writing nothing', async () => {
    // Prepare
    const first = recordsAfter(emptyHead('app'), 2);
    await ledger.append(emptyHead('app'), first);
    const stale = recordsAfter(emptyHead('app'), 1, { prefix: 'late' });

    // Act
    const attempt = ledger.append(emptyHead('app'), stale);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ChainConflictError);
    expect(await ledger.head('app')).toEqual(headAfter(first));
  });

  it('lets exactly one of two concurrent appends on the same head win', async () => {
    // Prepare
    const a = recordsAfter(emptyHead('app'), 3, { prefix: 'a' });
    const b = recordsAfter(emptyHead('app'), 3, { prefix: 'b' });

    // Act
    const results = await Promise.allSettled([
      ledger.append(emptyHead('app'), a),
      ledger.append(emptyHead('app'), b),
    ]);

    // Assess
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(ChainConflictError);
    expect(await collect(ledger.range('app', 0, 9))).toEqual(a);
  });

  it('accepts an append that builds on one still being synced', async () => {
    // Prepare
    const first = recordsAfter(emptyHead('app'), 2);
    const second = recordsAfter(headAfter(first), 2);

    // Act
    await Promise.all([
      ledger.append(emptyHead('app'), first),
      ledger.append(headAfter(first), second),
    ]);

    // Assess
    expect(await collect(ledger.range('app', 0, 9))).toEqual([...first, ...second]);
  });

  it('refuses already recorded event ids, naming them and writing nothing', async () => {
    // Prepare
    const first = recordsAfter(emptyHead('app'), 2, { ids: ['e1', 'e2'] });
    await ledger.append(emptyHead('app'), first);
    const again = recordsAfter(emptyHead('other'), 3, { ids: ['new', 'e2', 'e1'] });

    // Act
    const attempt = ledger.append(emptyHead('other'), again);

    // Assess
    await expect(attempt).rejects.toMatchObject({
      name: 'DuplicateEventError',
      eventIds: ['e2', 'e1'],
    });
    expect(await ledger.head('other')).toEqual(emptyHead('other'));
    expect((await ledger.locate(['new'])).size).toBe(0);
    expect(await collect(ledger.chains())).toEqual(['app']);
  });

  it('refuses duplicates within one append and against an append still in flight', async () => {
    // Prepare
    const inBatch = recordsAfter(emptyHead('a'), 2, { ids: ['same', 'same'] });
    const inFlight = recordsAfter(emptyHead('b'), 1, { ids: ['x'] });
    const racing = recordsAfter(emptyHead('c'), 1, { ids: ['x'] });

    // Act
    const results = await Promise.allSettled([
      ledger.append(emptyHead('a'), inBatch),
      ledger.append(emptyHead('b'), inFlight),
      ledger.append(emptyHead('c'), racing),
    ]);

    // Assess
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'rejected']);
    for (const r of [results[0], results[2]]) {
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(DuplicateEventError);
    }
  });

  it('refuses records that do not follow on from the expected head', async () => {
    // Prepare
    const gap = recordsAfter({ ...emptyHead('app'), seq: 0 }, 1);
    const [one] = recordsAfter(emptyHead('app'), 1);
    const wrongChain = [{ ...(one as LedgerRecord), chain: 'elsewhere' }];
    const badPrev = [{ ...(one as LedgerRecord), prev: 'f'.repeat(64) }];

    // Act
    const attempts = [gap, wrongChain, badPrev].map((batch) =>
      ledger.append(emptyHead('app'), batch),
    );

    // Assess
    for (const attempt of attempts)
      await expect(attempt).rejects.toBeInstanceOf(InvalidAppendError);
    expect(await ledger.head('app')).toEqual(emptyHead('app'));
  });

  it('locates recorded event ids and ignores unknown ones', async () => {
    // Prepare
    await ledger.append(emptyHead('a'), recordsAfter(emptyHead('a'), 2, { ids: ['a0', 'a1'] }));
    await ledger.append(emptyHead('b'), recordsAfter(emptyHead('b'), 1, { ids: ['b0'] }));

    // Act
    const found = await ledger.locate(['a1', 'b0', 'nope']);

    // Assess
    expect([...found]).toEqual([
      ['a1', { chain: 'a', seq: 1 }],
      ['b0', { chain: 'b', seq: 0 }],
    ]);
  });

  it('resumes every chain after a restart', async () => {
    // Prepare
    const a1 = recordsAfter(emptyHead('a'), 3);
    const b1 = recordsAfter(emptyHead('b'), 2);
    const a2 = recordsAfter(headAfter(a1), 4);
    await ledger.append(emptyHead('a'), a1);
    await ledger.append(emptyHead('b'), b1);
    await ledger.append(headAfter(a1), a2);

    // Act
    const reopened = await reopen();

    // Assess
    expect(reopened.recovered).toEqual({ recordBytes: 0, bodyBytes: 0 });
    expect(await collect(reopened.chains())).toEqual(['a', 'b']);
    expect(await reopened.head('a')).toEqual(headAfter(a2));
    expect(await reopened.head('b')).toEqual(headAfter(b1));
    expect(await collect(reopened.range('a', 0, 99))).toEqual([...a1, ...a2]);
    expect(await reopened.locate(['b-1'])).toEqual(new Map([['b-1', { chain: 'b', seq: 1 }]]));
    const next = recordsAfter(headAfter(a2), 1);
    await reopened.append(headAfter(a2), next);
    expect(await reopened.head('a')).toEqual(headAfter(next));
  });

  it('cuts a torn trailing append at open and keeps everything before it', async () => {
    // Prepare
    const first = recordsAfter(emptyHead('app'), 3);
    await ledger.append(emptyHead('app'), first);
    const sizeAfterFirst = (await stat(join(dir, 'records.log'))).size;
    await ledger.append(headAfter(first), recordsAfter(headAfter(first), 3));
    await ledger.close();
    await truncate(join(dir, 'records.log'), sizeAfterFirst + 40);

    // Act
    ledger = await openFileLedger(dir);

    // Assess
    expect(ledger.recovered.recordBytes).toBe(40);
    expect(ledger.recovered.bodyBytes).toBeGreaterThan(0);
    expect(await ledger.head('app')).toEqual(headAfter(first));
    expect((await ledger.locate(['app-3'])).size).toBe(0);
    const retry = recordsAfter(headAfter(first), 3);
    await ledger.append(headAfter(first), retry);
    const again = await reopen();
    expect(await collect(again.range('app', 0, 99))).toEqual([...first, ...retry]);
  });

  it('cuts an append whose bodies did not reach the disk', async () => {
    // Prepare
    const first = await twoAppendsThenClose();
    const bodies = join(dir, 'bodies.log');
    await truncate(bodies, (await stat(bodies)).size - 5);

    // Act
    ledger = await openFileLedger(dir);

    // Assess
    expect(ledger.recovered.recordBytes).toBeGreaterThan(0);
    expect(await ledger.head('app')).toEqual(headAfter(first));
  });

  it('cuts a zero-filled tail', async () => {
    // Prepare
    const first = recordsAfter(emptyHead('app'), 2);
    await ledger.append(emptyHead('app'), first);
    await ledger.close();
    await appendFile(join(dir, 'records.log'), Buffer.alloc(4096));

    // Act
    ledger = await openFileLedger(dir);

    // Assess
    expect(ledger.recovered.recordBytes).toBe(4096);
    expect(await ledger.head('app')).toEqual(headAfter(first));
  });

  it('refuses to open when a frame before intact ones is damaged', async () => {
    // Prepare
    await twoAppendsThenClose();
    await damageFirstFrame();

    // Act
    const opening = openFileLedger(dir);

    // Assess
    await expect(opening).rejects.toBeInstanceOf(LedgerCorruptError);
    ledger = await openFileLedger(join(dir, 'spare'));
  });

  it('releases its files when it refuses to open', async () => {
    // Prepare
    await twoAppendsThenClose();
    await damageFirstFrame();
    const openFiles = async () => (await readdir('/proc/self/fd')).length;
    const before = await openFiles();

    // Act
    for (let i = 0; i < 5; i++) {
      await expect(openFileLedger(dir)).rejects.toBeInstanceOf(LedgerCorruptError);
    }

    // Assess
    expect(await openFiles()).toBe(before);
    ledger = await openFileLedger(join(dir, 'spare'));
  });

  it('moves meta forward only and keeps it across a restart', async () => {
    // Prepare
    const frontier = ['ab'.repeat(32)];

    // Act
    await ledger.setMeta('app', {
      archived_through: 9,
      checkpoint_size: 10,
      checkpoint_frontier: frontier,
    });
    await ledger.setMeta('app', {
      archived_through: 4,
      checkpoint_size: 5,
      checkpoint_frontier: [],
    });
    await ledger.setMeta('app', { archived_through: 19 });
    const reopened = await reopen();

    // Assess
    expect(await reopened.meta('app')).toEqual({
      archived_through: 19,
      checkpoint_size: 10,
      checkpoint_frontier: frontier,
    });
    expect(await reopened.meta('new')).toEqual({
      archived_through: -1,
      checkpoint_size: 0,
      checkpoint_frontier: [],
    });
  });

  it('reads a long chain across many appends in order', async () => {
    // Prepare
    let head = emptyHead('long');
    const all: LedgerRecord[] = [];
    for (let i = 0; i < 20; i++) {
      const batch = recordsAfter(head, 50, { bodySize: 900 });
      await ledger.append(head, batch);
      await ledger.append(emptyHead(`noise-${i}`), recordsAfter(emptyHead(`noise-${i}`), 1));
      all.push(...batch);
      head = headAfter(batch);
    }

    // Act
    const read = await collect(ledger.range('long', 0, 999));

    // Assess
    expect(read.map((r) => r.seq)).toEqual(all.map((r) => r.seq));
    expect(read).toEqual(all);
  });

  it('refuses calls after close', async () => {
    // Act
    await ledger.close();

    // Assess
    await expect(ledger.head('app')).rejects.toBeInstanceOf(LedgerClosedError);
    ledger = await openFileLedger(dir);
  });
});
