import { createHash } from 'node:crypto';
import {
  GetObjectCommand,
  GetObjectRetentionCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { ObjectVersion } from '#core/verify/object-versions.ts';
import {
  ArchiveConflictError,
  type ArchivePort,
  type ListOptions,
  type PutOptions,
} from '#ports/archive.ts';

export interface S3ArchiveOptions {
  readonly client: S3Client;
  readonly bucket: string;
  /** Key prefix inside the bucket (`audit/` or `audit`); none by default. */
  readonly prefix?: string;
}

const statusOf = (error: unknown): number | undefined =>
  (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;

/** The SDK's modeled "no such key" classes, else a bare 404 (a HEAD has no error body). */
const isMissing = (error: unknown): boolean =>
  error instanceof NoSuchKey || error instanceof NotFound || statusOf(error) === 404;

/** 412: the key exists (IfNoneMatch); 409: a concurrent conditional write to the same key. */
const isTaken = (error: unknown): boolean => {
  const status = statusOf(error);
  return status === 412 || status === 409;
};

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length && Buffer.compare(a, b) === 0;

/**
 * The write-once archive on an S3 bucket with Object Lock.
 *
 * Every put carries `ObjectLockMode: COMPLIANCE` with the caller's retain-until date (no
 * one, not even the account root, can shorten it), a SHA-256 checksum S3 verifies on
 * arrival, and `If-None-Match: *` so S3 refuses to replace an existing key. Servers that
 * ignore conditional writes (older S3-compatible stores, s3rver) are covered by reading
 * the key first: an object already there with the same bytes is a retry (`exists`), with
 * different bytes an ArchiveConflictError.
 */
export class S3Archive implements ArchivePort {
  readonly #client: S3Client;
  readonly bucket: string;
  readonly prefix: string;

  constructor(options: S3ArchiveOptions) {
    this.#client = options.client;
    this.bucket = options.bucket;
    const prefix = options.prefix ?? '';
    this.prefix = prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
  }

  /** `s3://bucket/<prefix><key>`: where a key lives, for claim-check pointers. */
  uriOf(key: string): string {
    return `s3://${this.bucket}/${this.prefix}${key}`;
  }

  async put(
    key: string,
    bytes: Uint8Array,
    options: PutOptions = {},
  ): Promise<'created' | 'exists'> {
    const existing = await this.get(key);
    if (existing !== undefined) return this.#compare(key, existing, bytes);
    try {
      await this.#client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: this.prefix + key,
          Body: bytes,
          ContentLength: bytes.length,
          ChecksumSHA256: createHash('sha256').update(bytes).digest('base64'),
          IfNoneMatch: '*',
          ...(options.contentType === undefined ? {} : { ContentType: options.contentType }),
          ...(options.retainUntil === undefined
            ? {}
            : { ObjectLockMode: 'COMPLIANCE', ObjectLockRetainUntilDate: options.retainUntil }),
        }),
      );
      return 'created';
    } catch (error) {
      if (!isTaken(error)) throw error;
      const raced = await this.get(key);
      if (raced === undefined) throw error;
      return this.#compare(key, raced, bytes);
    }
  }

  #compare(key: string, stored: Uint8Array, bytes: Uint8Array): 'exists' {
    if (!sameBytes(stored, bytes)) throw new ArchiveConflictError(key);
    return 'exists';
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      const out = await this.#client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }),
      );
      return out.Body ? await out.Body.transformToByteArray() : new Uint8Array();
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async *list(prefix: string, options: ListOptions = {}): AsyncIterable<string> {
    let token: string | undefined;
    do {
      const page = await this.#client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: this.prefix + prefix,
          ...(options.startAfter === undefined
            ? {}
            : { StartAfter: this.prefix + options.startAfter }),
          ...(token === undefined ? {} : { ContinuationToken: token }),
        }),
      );
      for (const object of page.Contents ?? []) {
        if (object.Key !== undefined) yield object.Key.slice(this.prefix.length);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
  }

  /**
   * Every object version and delete marker under the prefix, grouped by key. The retention
   * of a version hidden behind a delete marker is asked for (GetObjectRetention); when the
   * store cannot say, it is left unknown (and counted as locked by the verifier).
   */
  async *listVersions(): AsyncIterable<ObjectVersion> {
    let keyMarker: string | undefined;
    let versionMarker: string | undefined;
    do {
      const page = await this.#client.send(
        new ListObjectVersionsCommand({
          Bucket: this.bucket,
          Prefix: this.prefix,
          ...(keyMarker === undefined ? {} : { KeyMarker: keyMarker }),
          ...(versionMarker === undefined ? {} : { VersionIdMarker: versionMarker }),
        }),
      );
      const entries = [
        ...(page.Versions ?? []).map((v) => ({ ...v, deleteMarker: false })),
        ...(page.DeleteMarkers ?? []).map((m) => ({ ...m, deleteMarker: true })),
      ].sort((a, b) =>
        (a.Key ?? '') < (b.Key ?? '') ? -1 : (a.Key ?? '') > (b.Key ?? '') ? 1 : 0,
      );
      const hiddenKeys = new Set(
        entries.filter((e) => e.deleteMarker && e.IsLatest).map((e) => e.Key),
      );
      for (const e of entries) {
        if (e.Key === undefined) continue;
        const version = {
          key: e.Key.slice(this.prefix.length),
          versionId: e.VersionId ?? 'null',
          isLatest: e.IsLatest === true,
          deleteMarker: e.deleteMarker,
        };
        const retainUntil =
          !e.deleteMarker && hiddenKeys.has(e.Key)
            ? await this.#retainUntil(e.Key, version.versionId)
            : undefined;
        yield retainUntil ? { ...version, retainUntil } : version;
      }
      keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
      versionMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
    } while (keyMarker !== undefined);
  }

  async #retainUntil(key: string, versionId: string): Promise<Date | undefined> {
    try {
      const out = await this.#client.send(
        new GetObjectRetentionCommand({ Bucket: this.bucket, Key: key, VersionId: versionId }),
      );
      return out.Retention?.RetainUntilDate;
    } catch {
      return undefined;
    }
  }

  async *stream(key: string): AsyncIterable<Uint8Array> {
    const out = await this.#client.send(
      new GetObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }),
    );
    if (!out.Body) return;
    for await (const chunk of out.Body as AsyncIterable<Uint8Array>) yield chunk;
  }
}
