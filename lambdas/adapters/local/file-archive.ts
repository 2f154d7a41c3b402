import { randomBytes } from 'node:crypto';
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { chmod, link, mkdir, readdir, readFile, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { AuditTrailError } from '#core/errors.ts';
import {
  ArchiveConflictError,
  type ArchivePort,
  type ListOptions,
  type PutOptions,
} from '#ports/archive.ts';
import { fsyncDir, isErrnoCode, writeFileSynced } from './file-io.ts';

/** Raised for a key that could escape the archive directory or is not a plain relative path. */
export class InvalidArchiveKeyError extends AuditTrailError {
  readonly code = 'invalid_archive_key';
  override readonly name = 'InvalidArchiveKeyError';
  readonly key: string;
  constructor(key: string, reason: string) {
    super(`invalid archive key ${JSON.stringify(key)}: ${reason}`);
    this.key = key;
  }
}

/** Raised when streaming a key that holds no object. */
export class ArchiveObjectMissingError extends AuditTrailError {
  readonly code = 'archive_object_missing';
  override readonly name = 'ArchiveObjectMissingError';
  readonly key: string;
  constructor(key: string) {
    super(`archive object ${key} does not exist`);
    this.key = key;
  }
}

/** The local write-once archive: one read-only file per key under `dir`. */
export interface FileArchive extends ArchivePort {
  readonly dir: string;
  /**
   * Like `stream`, but every chunk is a view of `buffer`, overwritten by the next read: a
   * chunk is valid only until the next is asked for. For a reader that consumes each chunk
   * before the next (the verifier): no fresh buffer, and no fresh pages to fault in, per
   * chunk. Each read blocks the calling thread (about 0.1 ms per 1 MiB from the page cache).
   */
  streamInto(key: string, buffer: Uint8Array): AsyncIterable<Uint8Array>;
}

/** Temp files live next to their final key until linked; `list` never shows them. */
const TEMP_PREFIX = '.tmp-';

const checkKey = (key: string): void => {
  if (key === '') throw new InvalidArchiveKeyError(key, 'empty');
  if (key.startsWith('/')) throw new InvalidArchiveKeyError(key, 'absolute');
  if (key.includes('\\') || key.includes('\0')) {
    throw new InvalidArchiveKeyError(key, 'backslash or NUL');
  }
  for (const segment of key.split('/')) {
    if (segment === '') throw new InvalidArchiveKeyError(key, 'empty segment');
    if (segment === '.' || segment === '..') throw new InvalidArchiveKeyError(key, 'dot segment');
    if (segment.startsWith(TEMP_PREFIX)) throw new InvalidArchiveKeyError(key, 'reserved name');
  }
};

/** Prefixes may end mid-segment (`chains/a/segments/0000`), or in `/`, or be empty. */
const checkPrefix = (prefix: string): void => {
  if (prefix === '') return;
  checkKey(prefix.endsWith('/') ? prefix.slice(0, -1) : prefix);
};

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(b);

/**
 * Opens (creating if needed) a write-once archive directory.
 * An object appears at its key only complete and fsynced: it is written to a temp file and
 * hard-linked into place, and linking never replaces an existing file.
 */
export const openFileArchive = (dir: string): FileArchive => {
  const pathOf = (key: string): string => join(dir, ...key.split('/'));

  const compareExisting = async (key: string, bytes: Uint8Array): Promise<'exists'> => {
    const existing = await readFile(pathOf(key));
    if (!sameBytes(existing, bytes)) throw new ArchiveConflictError(key);
    return 'exists';
  };

  const ensureParent = async (path: string): Promise<void> => {
    const parent = dirname(path);
    const firstCreated = await mkdir(parent, { recursive: true });
    if (firstCreated === undefined) return;
    // Each new directory must itself be a durable entry of its parent.
    const parents: string[] = [];
    for (let d = parent; d.length >= firstCreated.length; d = dirname(d)) parents.push(dirname(d));
    for (const d of parents.reverse()) await fsyncDir(d);
  };

  const put = async (
    key: string,
    bytes: Uint8Array,
    _options?: PutOptions,
  ): Promise<'created' | 'exists'> => {
    checkKey(key);
    const path = pathOf(key);
    await ensureParent(path);
    const temp = join(dirname(path), `${TEMP_PREFIX}${randomBytes(8).toString('hex')}`);
    await writeFileSynced(temp, bytes, 'wx', 0o644);
    try {
      await chmod(temp, 0o444);
      await link(temp, path);
    } catch (error) {
      if (isErrnoCode(error, 'EEXIST')) return await compareExisting(key, bytes);
      throw error;
    } finally {
      await unlink(temp).catch(() => undefined);
    }
    await fsyncDir(dirname(path));
    return 'created';
  };

  const get = async (key: string): Promise<Uint8Array | undefined> => {
    checkKey(key);
    try {
      return await readFile(pathOf(key));
    } catch (error) {
      if (isErrnoCode(error, 'ENOENT') || isErrnoCode(error, 'ENOTDIR')) return undefined;
      throw error;
    }
  };

  /** Entries sorted so that the full keys come out in lexicographic order: a directory
   * `a` sorts as `a/`, so `a.txt` comes before `a/x`. */
  async function* walk(relDir: string, after: string): AsyncGenerator<string> {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(relDir === '' ? dir : pathOf(relDir), { withFileTypes: true });
    } catch (error) {
      if (isErrnoCode(error, 'ENOENT') || isErrnoCode(error, 'ENOTDIR')) return;
      throw error;
    }
    const named = entries
      .filter((e) => !e.name.startsWith(TEMP_PREFIX) && (e.isDirectory() || e.isFile()))
      .map((e) => ({ sortKey: e.isDirectory() ? `${e.name}/` : e.name, entry: e }))
      .sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
    for (const { entry } of named) {
      const rel = relDir === '' ? entry.name : `${relDir}/${entry.name}`;
      if (entry.isDirectory()) {
        // A directory whose keys all sort before `after` is not read at all.
        if (`${rel}/` > after || after.startsWith(`${rel}/`)) yield* walk(rel, after);
      } else if (rel > after) yield rel;
    }
  }

  async function* list(prefix: string, options: ListOptions = {}): AsyncGenerator<string> {
    checkPrefix(prefix);
    const slash = prefix.lastIndexOf('/');
    const startDir = slash < 0 ? '' : prefix.slice(0, slash);
    for await (const key of walk(startDir, options.startAfter ?? '')) {
      if (key.startsWith(prefix)) yield key;
    }
  }

  async function* stream(key: string): AsyncGenerator<Uint8Array> {
    checkKey(key);
    try {
      // 1 MiB reads: segments are read end to end, and 64 KiB chunks cost the verifier ~10%.
      const stream = createReadStream(pathOf(key), { highWaterMark: 1 << 20 });
      for await (const chunk of stream) yield chunk as Buffer;
    } catch (error) {
      if (isErrnoCode(error, 'ENOENT')) throw new ArchiveObjectMissingError(key);
      throw error;
    }
  }

  // Synchronous reads: the verifier, its only user, waits for each chunk anyway, and a read
  // on its own thread saves libuv's thread-pool hop per chunk (wake-ups on both sides, the
  // chunk written on one core and hashed on another; ~7% of a verify's CPU).
  async function* streamInto(key: string, buffer: Uint8Array): AsyncGenerator<Uint8Array> {
    checkKey(key);
    let fd: number;
    try {
      fd = openSync(pathOf(key), 'r');
    } catch (error) {
      throw isErrnoCode(error, 'ENOENT') ? new ArchiveObjectMissingError(key) : error;
    }
    try {
      for (;;) {
        const bytesRead = readSync(fd, buffer, 0, buffer.length, null);
        if (bytesRead === 0) return;
        yield buffer.subarray(0, bytesRead);
      }
    } finally {
      closeSync(fd);
    }
  }

  return { dir, put, get, list, stream, streamInto };
};
