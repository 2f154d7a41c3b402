import { createHash } from 'node:crypto';
import {
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { ArchiveConflictError, type ArchivePort, type PutOptions } from '#ports/archive.ts';

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

  async *list(prefix: string): AsyncIterable<string> {
    let token: string | undefined;
    do {
      const page = await this.#client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: this.prefix + prefix,
          ...(token === undefined ? {} : { ContinuationToken: token }),
        }),
      );
      for (const object of page.Contents ?? []) {
        if (object.Key !== undefined) yield object.Key.slice(this.prefix.length);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
  }

  async *stream(key: string): AsyncIterable<Uint8Array> {
    const out = await this.#client.send(
      new GetObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }),
    );
    if (!out.Body) return;
    for await (const chunk of out.Body as AsyncIterable<Uint8Array>) yield chunk;
  }
}
