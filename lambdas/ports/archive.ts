/** Raised when a write-once key already holds different bytes. */

import { AuditTrailError } from '#core/errors.ts';

export class ArchiveConflictError extends AuditTrailError {
  readonly code = 'archive_conflict';
  override readonly name = 'ArchiveConflictError';
  readonly key: string;
  constructor(key: string) {
    super(`archive object ${key} exists with different content`);
    this.key = key;
  }
}

export interface PutOptions {
  readonly contentType?: string;
  /** Object Lock retain-until date (AWS); the local archive keeps files read-only. */
  readonly retainUntil?: Date;
}

export interface ListOptions {
  /** Only keys lexicographically after this one (S3 ListObjectsV2 `StartAfter`): a reader
   * that has seen a prefix's older keys lists only what came since. */
  readonly startAfter?: string;
}

/**
 * The write-once (WORM) archive. Keys are `/`-separated and laid out by core/archive/layout.ts.
 * `put` never overwrites: identical bytes at an existing key answer `exists` (a retry);
 * different bytes throw ArchiveConflictError.
 */
export interface ArchivePort {
  put(key: string, bytes: Uint8Array, options?: PutOptions): Promise<'created' | 'exists'>;
  get(key: string): Promise<Uint8Array | undefined>;
  /** Keys under a prefix in lexicographic order (only those after `options.startAfter`). */
  list(prefix: string, options?: ListOptions): AsyncIterable<string>;
  /** The object's bytes as a stream, for readers that must keep memory flat. */
  stream(key: string): AsyncIterable<Uint8Array>;
}
