import type { ArchivePort } from '#ports/archive.ts';

/** Where large bodies go: the S3 archive adapter (or any write-once store that names URIs). */
export interface BodyStore extends Pick<ArchivePort, 'put'> {
  uriOf(key: string): string;
}
