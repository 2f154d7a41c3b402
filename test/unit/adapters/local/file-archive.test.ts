import { readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ArchiveObjectMissingError,
  type FileArchive,
  InvalidArchiveKeyError,
  openFileArchive,
} from '#adapters/local/file-archive.ts';
import { ArchiveConflictError } from '#ports/archive.ts';
import { collect } from '#test/helpers/collect.ts';
import { removeDir, tempDir } from '#test/helpers/temp-dir.ts';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (data: Uint8Array | undefined): string | undefined =>
  data === undefined ? undefined : new TextDecoder().decode(data);

describe('file archive', () => {
  let dir: string;
  let archive: FileArchive;

  beforeEach(async () => {
    dir = await tempDir('file-archive-');
    archive = openFileArchive(dir);
  });

  afterEach(async () => {
    await removeDir(dir);
  });

  it('creates an object once and reads it back', async () => {
    // Prepare
    const key = 'chains/app/segments/000000000000-000000000009.jsonl';

    // Act
    const result = await archive.put(key, bytes('{"seq":0}\n'));

    // Assess
    expect(result).toBe('created');
    expect(text(await archive.get(key))).toBe('{"seq":0}\n');
  });

  it('answers exists for an identical retry and conflicts on different bytes', async () => {
    // Prepare
    const key = 'keys/audit-trail.local.vkey';
    await archive.put(key, bytes('key-1'));

    // Act
    const retry = await archive.put(key, bytes('key-1'));
    const conflict = archive.put(key, bytes('key-2'));

    // Assess
    expect(retry).toBe('exists');
    await expect(conflict).rejects.toBeInstanceOf(ArchiveConflictError);
    expect(text(await archive.get(key))).toBe('key-1');
  });

  it('makes objects read-only and leaves no temp files behind', async () => {
    // Prepare
    const key = 'quarantine/2025-01-01/evt.bin';

    // Act
    await archive.put(key, bytes('raw'));
    await archive.put(key, bytes('raw'));
    await archive.put(key, bytes('other')).catch(() => undefined);

    // Assess
    const mode = (await stat(join(dir, 'quarantine', '2025-01-01', 'evt.bin'))).mode & 0o777;
    expect(mode).toBe(0o444);
    expect(await readdir(join(dir, 'quarantine', '2025-01-01'))).toEqual(['evt.bin']);
  });

  it('lets only one of many concurrent different writers win', async () => {
    // Prepare
    const key = 'chains/a/checkpoints/000000000001.ckpt';
    const contents = Array.from({ length: 8 }, (_, i) => `content-${i}`);

    // Act
    const results = await Promise.allSettled(contents.map((c) => archive.put(key, bytes(c))));

    // Assess
    const created = results.filter((r) => r.status === 'fulfilled');
    expect(created).toHaveLength(1);
    expect(contents).toContain(text(await archive.get(key)));
  });

  it.each([
    ['../escape'],
    ['a/../../escape'],
    ['/etc/passwd'],
    ['a//b'],
    ['a/./b'],
    [''],
    ['a/b/'],
    ['a\\b'],
  ])('refuses the key %j', async (key) => {
    // Act
    const put = archive.put(key, bytes('x'));
    const get = archive.get(key);

    // Assess
    await expect(put).rejects.toBeInstanceOf(InvalidArchiveKeyError);
    await expect(get).rejects.toBeInstanceOf(InvalidArchiveKeyError);
  });

  it('answers undefined for a missing key and a named error when streaming it', async () => {
    // Act
    const missing = await archive.get('chains/none/segments/x.jsonl');
    const streamed = collect(archive.stream('chains/none/segments/x.jsonl'));

    // Assess
    expect(missing).toBeUndefined();
    await expect(streamed).rejects.toBeInstanceOf(ArchiveObjectMissingError);
  });

  it('streams an object in chunks whose concatenation is the object', async () => {
    // Prepare
    const key = 'chains/big/segments/000000000000-000000099999.jsonl';
    const big = Buffer.alloc(3_000_000, 'x');
    await archive.put(key, big);

    // Act
    const chunks = await collect(archive.stream(key));

    // Assess
    expect(chunks.length).toBeGreaterThan(1);
    expect(Buffer.concat(chunks).equals(big)).toBe(true);
  });

  it('streams an object into one reused buffer, each chunk a view of it', async () => {
    // Prepare
    const key = 'chains/big/segments/000000000000-000000099999.jsonl';
    const big = Buffer.from(Array.from({ length: 2_500_000 }, (_, i) => i % 251));
    await archive.put(key, big);
    const buffer = Buffer.alloc(1 << 20);

    // Act
    const copies: Buffer[] = [];
    const backing = new Set<ArrayBufferLike>();
    for await (const chunk of archive.streamInto(key, buffer)) {
      backing.add(chunk.buffer);
      copies.push(Buffer.from(chunk));
    }
    const missing = collect(archive.streamInto('chains/none/segments/x.jsonl', buffer));

    // Assess
    expect(copies.map((c) => c.length)).toEqual([1 << 20, 1 << 20, 2_500_000 - 2 * (1 << 20)]);
    expect(Buffer.concat(copies).equals(big)).toBe(true);
    expect([...backing]).toEqual([buffer.buffer]);
    await expect(missing).rejects.toBeInstanceOf(ArchiveObjectMissingError);
  });

  it('lists only keys after startAfter, across directories', async () => {
    // Prepare
    const keys = [
      'chains/a/segments/000000000000.jsonl',
      'chains/a/segments/000000000010.jsonl',
      'chains/b/segments/000000000000.jsonl',
      'chains/b/segments/000000000010.jsonl',
      'chains/b/segments/000000000020.jsonl',
    ];
    for (const key of keys) await archive.put(key, bytes(key));

    // Act
    const afterKey = await collect(
      archive.list('chains/', { startAfter: 'chains/a/segments/000000000010.jsonl' }),
    );
    const afterPartial = await collect(
      archive.list('chains/b/', { startAfter: 'chains/b/segments/000000000005' }),
    );

    // Assess
    expect(afterKey).toEqual(keys.slice(2));
    expect(afterPartial).toEqual(keys.slice(3));
  });

  it('lists keys under a prefix in lexicographic order, skipping temp files', async () => {
    // Prepare
    const keys = [
      'chains/b/segments/000000000010-000000000019.jsonl',
      'chains/a.x/segments/000000000000-000000000009.jsonl',
      'chains/a/segments/000000000010-000000000019.jsonl',
      'chains/a/segments/000000000000-000000000009.jsonl',
      'chains/a/checkpoints/000000000020.ckpt',
      'keys/local.vkey',
    ];
    for (const key of keys) await archive.put(key, bytes(key));
    await writeFile(join(dir, 'chains', 'a', 'segments', '.tmp-deadbeef'), 'partial');

    // Act
    const all = await collect(archive.list(''));
    const chains = await collect(archive.list('chains/'));
    const segmentsOfA = await collect(archive.list('chains/a/segments/00000000001'));

    // Assess
    const sorted = [...keys].sort();
    expect(all).toEqual(sorted);
    expect(chains).toEqual(sorted.filter((k) => k.startsWith('chains/')));
    expect(segmentsOfA).toEqual(['chains/a/segments/000000000010-000000000019.jsonl']);
  });

  it('lists nothing under a prefix that does not exist', async () => {
    // Act
    const keys = await collect(archive.list('chains/nobody/'));

    // Assess
    expect(keys).toEqual([]);
  });
});
