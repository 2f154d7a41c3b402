import type { ArchivePort } from '#ports/archive.ts';

/** Where large bodies go: the S3 archive adapter (or any write-once store that names URIs).
 * `get` reads back a large layout v2 ciphertext, which a reader needs with its record. */
export interface BodyStore extends Pick<ArchivePort, 'put' | 'get'> {
  uriOf(key: string): string;
}
