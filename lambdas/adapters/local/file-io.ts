import { type FileHandle, mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';

/** True when `error` is a Node system error with this `code` (`ENOENT`, `EEXIST`, …). */
export const isErrnoCode = (error: unknown, code: string): boolean =>
  error instanceof Error && (error as NodeJS.ErrnoException).code === code;

/** Writes all of `data` at `position`, looping over short writes. */
export const writeAll = async (
  handle: FileHandle,
  data: Uint8Array,
  position: number,
): Promise<void> => {
  let done = 0;
  while (done < data.length) {
    const { bytesWritten } = await handle.write(data, done, data.length - done, position + done);
    done += bytesWritten;
  }
};

/** Reads exactly `length` bytes at `position` (fewer only at end of file). */
export const readAt = async (
  handle: FileHandle,
  position: number,
  length: number,
): Promise<Buffer> => {
  const buffer = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(buffer, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done === length ? buffer : buffer.subarray(0, done);
};

/**
 * Writes a whole file and syncs its data (fdatasync: contents and size) before resolving;
 * the handle is closed either way.
 * `flag` `wx` refuses an existing file (EEXIST). Making the name itself durable (rename,
 * link, directory fsync) is the caller's part.
 */
export const writeFileSynced = async (
  path: string,
  data: string | Uint8Array,
  flag: 'w' | 'wx',
  mode?: number,
): Promise<void> => {
  const handle = await open(path, flag, mode);
  try {
    await handle.writeFile(data);
    await handle.datasync();
  } finally {
    await handle.close();
  }
};

/** Makes a directory's entries (new, renamed or removed files) durable. */
export const fsyncDir = async (dir: string): Promise<void> => {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
};

/**
 * Creates `dir` and any missing parents, syncing the parent of each directory it created:
 * a crash right after cannot lose the directory the caller then writes files into.
 */
export const mkdirSynced = async (dir: string): Promise<void> => {
  const first = await mkdir(dir, { recursive: true });
  if (first === undefined) return;
  for (let created = dir; ; created = dirname(created)) {
    await fsyncDir(dirname(created));
    if (created === first) return;
  }
};
