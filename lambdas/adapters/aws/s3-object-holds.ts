/**
 * S3 Object Lock legal holds on archive objects: PutObjectLegalHold ON/OFF, one request per
 * object (S3 has no batch form), a few at a time.
 */
import { PutObjectLegalHoldCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ObjectHoldsPort } from '#ports/object-holds.ts';

export interface S3ObjectHoldsOptions {
  readonly client: S3Client;
  readonly bucket: string;
  /** Key prefix inside the bucket, as the archive's (`audit/` or `audit`). */
  readonly prefix?: string;
}

const AT_ONCE = 8;

export class S3ObjectHolds implements ObjectHoldsPort {
  readonly #client: S3Client;
  readonly #bucket: string;
  readonly #prefix: string;

  constructor(options: S3ObjectHoldsOptions) {
    this.#client = options.client;
    this.#bucket = options.bucket;
    const prefix = options.prefix ?? '';
    this.#prefix = prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
  }

  async setLegalHold(keys: readonly string[], on: boolean): Promise<void> {
    const todo = [...new Set(keys)];
    for (let i = 0; i < todo.length; i += AT_ONCE) {
      await Promise.all(
        todo.slice(i, i + AT_ONCE).map((key) =>
          this.#client.send(
            new PutObjectLegalHoldCommand({
              Bucket: this.#bucket,
              Key: `${this.#prefix}${key}`,
              LegalHold: { Status: on ? 'ON' : 'OFF' },
            }),
          ),
        ),
      );
    }
  }
}
