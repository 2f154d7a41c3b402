import { S3Client } from '@aws-sdk/client-s3';
import { AuditTrailError } from '#core/errors.ts';
import { S3Archive } from './s3-archive.ts';

/** A bucket and key prefix named by `s3://bucket[/prefix]`. */
export interface S3Location {
  readonly bucket: string;
  readonly prefix: string;
}

/** Raised for an `s3://` location without a valid bucket name. */
export class S3LocationError extends AuditTrailError {
  readonly code = 's3_location';
  override readonly name = 'S3LocationError';
}

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Parses `s3://bucket[/prefix]`; the prefix is returned without surrounding slashes. */
export const parseS3Location = (uri: string): S3Location => {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  const bucket = match?.[1];
  if (bucket === undefined || !BUCKET.test(bucket)) {
    throw new S3LocationError(`${uri} is not s3://<bucket>[/<prefix>] with a valid bucket name`);
  }
  return { bucket, prefix: (match?.[2] ?? '').replace(/^\/+|\/+$/g, '') };
};

export interface S3ReaderOptions {
  /** An S3-compatible endpoint (MinIO, s3rver, a VPC endpoint); path-style addressing. */
  readonly endpointUrl?: string;
  /** @default AWS_REGION, AWS_DEFAULT_REGION, else us-east-1 (redirects are followed) */
  readonly region?: string;
}

/**
 * The archive at `s3://bucket[/prefix]` for reading, as an auditor with read-only
 * credentials (s3:GetObject, s3:ListBucket) from the usual AWS credential chain sees it.
 * The bucket's region need not be known: S3's region redirects are followed.
 */
export const openS3ArchiveReader = (uri: string, options: S3ReaderOptions = {}): S3Archive => {
  const { bucket, prefix } = parseS3Location(uri);
  const client = new S3Client({
    region:
      options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
    followRegionRedirects: true,
    ...(options.endpointUrl === undefined
      ? {}
      : { endpoint: options.endpointUrl, forcePathStyle: true }),
  });
  return new S3Archive({ client, bucket, prefix });
};
