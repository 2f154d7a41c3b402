import { spawn } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataDirInUseError, lockDataDir, takeoverName } from '#adapters/local/data-dir-lock.ts';
import { removeDir, tempDir } from '#test/helpers/temp-dir.ts';

/** The pid of a process that has exited: its lock is stale. */
const deadPid = async (): Promise<number> => {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid as number;
};

/** A lock as a process that is gone left it (its start time cannot match a live one). */
const staleLock = async (pid: number) =>
  JSON.stringify({ pid, start: '1', boot: null, nonce: 'gone' });

describe('lockDataDir', () => {
  let dir: string;
  let file: string;
  beforeEach(async () => {
    dir = await tempDir('audit-trail-lock-');
    file = join(dir, 'lock');
  });
  afterEach(() => removeDir(dir));

  const settle = async (attempts: number) => {
    const results = await Promise.allSettled(
      Array.from({ length: attempts }, () => lockDataDir(file)),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    return { won, lost };
  };

  it('lets exactly one of many simultaneous takers hold the directory', async () => {
    // Act
    const { won, lost } = await settle(12);

    // Assess
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(11);
    for (const r of lost) expect(r.reason).toBeInstanceOf(DataDirInUseError);
    const holder = JSON.parse(await readFile(file, 'utf8'));
    expect(holder.pid).toBe(process.pid);
    expect((await readdir(dir)).sort()).toEqual(['lock']);
  });

  it('takes over the lock of a process that is gone, exactly once among many takers', async () => {
    // Prepare
    await writeFile(file, await staleLock(await deadPid()));

    // Act
    const { won, lost } = await settle(12);

    // Assess
    expect(won).toHaveLength(1);
    for (const r of lost) expect(r.reason).toBeInstanceOf(DataDirInUseError);
    expect(JSON.parse(await readFile(file, 'utf8')).pid).toBe(process.pid);
    expect((await readdir(dir)).sort()).toEqual(['lock']);
  });

  it('refuses a lock whose holder runs (the same process here), and a live pid-only lock', async () => {
    // Prepare
    const release = await lockDataDir(file);

    // Act + Assess
    await expect(lockDataDir(file)).rejects.toThrow(DataDirInUseError);
    await release();
    await writeFile(file, `${process.pid}\n`);
    await expect(lockDataDir(file)).rejects.toThrow(`in use by process ${process.pid}`);
  });

  it('recovers from a crash in the middle of a take-over (a stale take-over lock)', async () => {
    // Prepare: a stale lock, and the take-over lock of a taker that died holding it.
    const stale = await staleLock(await deadPid());
    await writeFile(file, stale);
    await writeFile(takeoverName(file, stale), await staleLock(await deadPid()));

    // Act
    const { won, lost } = await settle(6);

    // Assess
    expect(won).toHaveLength(1);
    for (const r of lost) expect(r.reason).toBeInstanceOf(DataDirInUseError);
    expect(JSON.parse(await readFile(file, 'utf8')).pid).toBe(process.pid);
    expect(await readdir(dir)).toEqual(['lock']);
  });

  it('releases only its own lock', async () => {
    // Prepare
    const release = await lockDataDir(file);
    const other = JSON.stringify({ pid: process.pid, start: null, boot: null, nonce: 'other' });
    await writeFile(file, other);

    // Act
    await release();

    // Assess
    expect(await readFile(file, 'utf8')).toBe(other);
  });
});
