/**
 * Legal holds on the local archive's objects, recorded as S3 Object Lock would keep them:
 * `<file>` holds the sorted keys under a legal hold, one a line, rewritten whole (temp file,
 * fsync, rename) on every change. The local archive never deletes an object anyway; the
 * file is what an operator moving the archive to S3 applies, and what tests read.
 */
import { readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ObjectHoldsPort } from '#ports/object-holds.ts';
import { fsyncDir, isErrnoCode, writeFileSynced } from './file-io.ts';

export interface FileObjectHolds extends ObjectHoldsPort {
  /** Keys under a legal hold now, sorted. */
  held(): Promise<string[]>;
}

export const openFileObjectHolds = (path: string): FileObjectHolds => {
  const held = async (): Promise<string[]> => {
    try {
      return (await readFile(path, 'utf8')).split('\n').filter((line) => line !== '');
    } catch (error) {
      if (isErrnoCode(error, 'ENOENT')) return [];
      throw error;
    }
  };
  let queue: Promise<unknown> = Promise.resolve();
  const setLegalHold = (keys: readonly string[], on: boolean): Promise<void> => {
    const next = queue.then(async () => {
      const now = new Set(await held());
      for (const key of keys) {
        if (on) now.add(key);
        else now.delete(key);
      }
      const text = [...now]
        .sort()
        .map((k) => `${k}\n`)
        .join('');
      await writeFileSynced(`${path}.tmp`, text, 'w');
      await rename(`${path}.tmp`, path);
      await fsyncDir(dirname(path));
    });
    queue = next.catch(() => undefined);
    return next;
  };
  return { held, setLegalHold };
};
