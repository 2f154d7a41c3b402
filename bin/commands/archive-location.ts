/**
 * The one place an archive location given on the command line is resolved: a directory is
 * the local write-once archive; `s3://bucket/prefix` is the Object Lock bucket.
 */

import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type FileArchive, openFileArchive } from '#adapters/local/file-archive.ts';
import { AuditTrailError } from '#core/errors.ts';
import type { ArchiveReader } from '#core/verify/verify-archive.ts';

/** Raised for a location that is not a readable archive. */
export class ArchiveLocationError extends AuditTrailError {
  readonly code = 'archive_location';
  override readonly name = 'ArchiveLocationError';
}

export interface ArchiveLocationOptions {
  readonly endpointUrl?: string;
  readonly region?: string;
}

/** 1 MiB reads: segments are read end to end (as the file archive's `stream`). */
const READ_BUFFER_BYTES = 1 << 20;

/** A local archive whose segments are read into one buffer reused for every chunk (see
 * `FileArchive.streamInto`): only for a reader that is done with each chunk before asking
 * for the next, as the verifier is. Per chunk it saves a fresh 1 MiB buffer and the page
 * faults of touching it (about a third of a parallel verify's faults). */
export const reusingReads = (archive: FileArchive): ArchiveReader => {
  const buffer = Buffer.allocUnsafeSlow(READ_BUFFER_BYTES);
  return {
    get: (key) => archive.get(key),
    list: (prefix) => archive.list(prefix),
    stream: (key) => archive.streamInto(key, buffer),
  };
};

const isDirectory = async (path: string): Promise<boolean> =>
  (await stat(path).catch(() => undefined))?.isDirectory() ?? false;

/** Opens the archive at `location` for reading. Throws ArchiveLocationError. */
export const openArchiveReader = async (
  location: string,
  options: ArchiveLocationOptions & {
    /** Chunks of `stream` valid only until the next is asked for (see reusingReads). */
    readonly reuseChunks?: boolean;
  } = {},
): Promise<ArchiveReader> => {
  if (location.startsWith('s3://')) {
    // Loaded only here: the AWS SDK is a large import a local verify does not need.
    const { openS3ArchiveReader, S3LocationError } = await import('#adapters/aws/s3-location.ts');
    try {
      return openS3ArchiveReader(location, options);
    } catch (error) {
      if (error instanceof S3LocationError) throw new ArchiveLocationError(error.message);
      throw error;
    }
  }
  const dir = resolve(location);
  if (!(await isDirectory(dir))) {
    throw new ArchiveLocationError(`${location} is not a directory`);
  }
  if (!(await isDirectory(join(dir, 'chains'))) && !(await isDirectory(join(dir, 'keys')))) {
    const hint = (await isDirectory(join(dir, 'archive', 'chains')))
      ? `; did you mean ${join(location, 'archive')}?`
      : '';
    throw new ArchiveLocationError(`${location} is not an archive (no chains/ or keys/)${hint}`);
  }
  const archive = openFileArchive(dir);
  return options.reuseChunks === true ? reusingReads(archive) : archive;
};

/** Total bytes of a local archive's segments, for a progress bar; undefined elsewhere. */
export const archiveSegmentBytes = async (location: string): Promise<number | undefined> => {
  if (location.startsWith('s3://')) return undefined;
  const chains = join(resolve(location), 'chains');
  let total = 0;
  for (const entry of await readdir(chains, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith('.jsonl')) {
      total += (await stat(join(entry.parentPath, entry.name))).size;
    }
  }
  return total;
};
