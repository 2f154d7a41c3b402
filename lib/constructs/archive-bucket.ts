/**
 * The write-once archive: an S3 bucket with Object Lock in COMPLIANCE mode (nobody, the
 * root user included, can delete or shorten the retention of an object before it ends),
 * versioning, a customer key, TLS only, no public access, server access logs to a separate
 * log bucket, and a lifecycle rule to colder storage. Writers may put and read, never delete.
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledgeRule } from '#lib/nag.ts';
import { KEY_USE_ACTIONS, rotatingKey } from './key-use.ts';

export interface ArchiveBucketProps {
  /** Default Object Lock COMPLIANCE retention of every object (1..36500 days). */
  readonly retentionDays: number;
  /** Days before objects move to Glacier Instant Retrieval. @default 90 */
  readonly glacierAfterDays?: number;
  /** Days the server access logs are kept. @default 400 */
  readonly accessLogRetentionDays?: number;
  /** @default a new key with yearly rotation */
  readonly encryptionKey?: kms.IKey;
  /** Of both buckets and the key. Object Lock still keeps locked objects. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

export const archiveBucketDefaults = {
  glacierAfterDays: 90,
  accessLogRetentionDays: 400,
  removalPolicy: RemovalPolicy.RETAIN,
} as const;

/** Settings both buckets share. */
const bucketBaseline = {
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  enforceSSL: true,
  minimumTLSVersion: 1.2,
  versioned: true,
  objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
} as const;

/** What an archive writer may do: put (with retention) and read. Never DeleteObject,
 * PutBucketObjectLockConfiguration or BypassGovernanceRetention. */
export const ARCHIVE_WRITE_ACTIONS = [
  's3:PutObject',
  's3:PutObjectRetention',
  's3:GetObject',
  's3:GetObjectRetention',
] as const;

export class ArchiveBucket extends Construct {
  public readonly bucket: s3.Bucket;
  public readonly logBucket: s3.Bucket;
  public readonly encryptionKey: kms.IKey;

  constructor(scope: Construct, id: string, props: ArchiveBucketProps) {
    super(scope, id);
    // Access log delivery by bucket policy (not the LogDeliveryWrite ACL), whatever the
    // app's flags: ACLs stay disabled (BucketOwnerEnforced) on both buckets.
    this.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);
    const p = { ...archiveBucketDefaults, ...props };
    if (!Number.isInteger(p.retentionDays) || p.retentionDays < 1 || p.retentionDays > 36_500) {
      throw new Error(`${id}: retentionDays must be an integer 1..36500, got ${p.retentionDays}`);
    }
    if (!Number.isInteger(p.glacierAfterDays) || p.glacierAfterDays < 0) {
      throw new Error(`${id}: glacierAfterDays must be a non-negative integer`);
    }
    if (!Number.isInteger(p.accessLogRetentionDays) || p.accessLogRetentionDays < 1) {
      throw new Error(`${id}: accessLogRetentionDays must be a positive integer`);
    }

    this.encryptionKey =
      p.encryptionKey ??
      rotatingKey(this, 'Key', 'Audit trail: archive bucket encryption', p.removalPolicy);

    // Server access log delivery supports SSE-S3 targets only, not SSE-KMS.
    this.logBucket = new s3.Bucket(this, 'AccessLogs', {
      ...bucketBaseline,
      encryption: s3.BucketEncryption.S3_MANAGED,
      removalPolicy: p.removalPolicy,
      lifecycleRules: [
        {
          id: 'expire-access-logs',
          expiration: Duration.days(p.accessLogRetentionDays),
          noncurrentVersionExpiration: Duration.days(30),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
    });

    this.bucket = new s3.Bucket(this, 'Bucket', {
      ...bucketBaseline,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.encryptionKey,
      bucketKeyEnabled: true,
      objectLockEnabled: true,
      objectLockDefaultRetention: s3.ObjectLockRetention.compliance(Duration.days(p.retentionDays)),
      // exactOptionalPropertyTypes cannot see that a Bucket is an IBucket.
      serverAccessLogsBucket: this.logBucket as s3.IBucket,
      serverAccessLogsPrefix: 'archive/',
      removalPolicy: p.removalPolicy,
      lifecycleRules: [
        {
          id: 'colder-storage',
          transitions: [
            {
              storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL,
              transitionAfter: Duration.days(p.glacierAfterDays),
            },
          ],
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
    });

    // Versioning would let a plain PutObject stack a new current version on top of a locked
    // one; every writer here sends If-None-Match, so the bucket refuses any write that doesn't.
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyOverwrites',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects('*')],
        conditions: { Null: { 's3:if-none-match': 'true' } },
      }),
    );

    const crossRegion =
      'Cross-region replication is a deployment decision (region, residency, cost); Object Lock COMPLIANCE and versioning already make objects immutable in this region.';
    acknowledgeRule(this, 'S3BucketReplicationEnabled', crossRegion);
    const logsOfLogs =
      'This is the server access log bucket; logging it to itself would loop and logging it elsewhere only moves the question.';
    const sseS3 =
      'S3 server access log delivery supports only SSE-S3 encrypted target buckets, not SSE-KMS.';
    acknowledgeRule(this.logBucket, ['AwsSolutions-S1', 'S3BucketLoggingEnabled'], logsOfLogs);
    acknowledgeRule(this.logBucket, 'S3DefaultEncryptionKMS', sseS3);
  }

  /** Put objects (Object Lock retention included) and read them back; never delete. */
  grantArchiveWrite(grantee: iam.IGrantable): void {
    this.grantObjects(grantee, ARCHIVE_WRITE_ACTIONS);
    this.encryptionKey.grant(grantee, ...KEY_USE_ACTIONS);
  }

  /** Set and clear Object Lock legal holds (the purge, for what legal holds cover). */
  grantLegalHolds(grantee: iam.IGrantable): void {
    this.grantObjects(grantee, ['s3:PutObjectLegalHold', 's3:GetObjectLegalHold']);
  }

  /** Read and list objects (an auditor's or the query function's access). */
  grantArchiveRead(grantee: iam.IGrantable): void {
    this.grantObjects(grantee, ['s3:GetObject', 's3:GetObjectRetention']);
    this.encryptionKey.grant(grantee, 'kms:Decrypt', 'kms:DescribeKey');
  }

  private grantObjects(grantee: iam.IGrantable, objectActions: readonly string[]): void {
    iam.Grant.addToPrincipal({
      grantee,
      actions: [...objectActions],
      resourceArns: [this.bucket.arnForObjects('*')],
    });
    const role = grantee.grantPrincipal;
    if (role instanceof iam.Role) {
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket)}.Arn>/*]`,
        reason:
          'Object actions apply to object ARNs; the keys are content-addressed by chain and seq, and no delete or retention-bypass action is granted (Object Lock COMPLIANCE).',
      });
    }
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:ListBucket'],
      resourceArns: [this.bucket.bucketArn],
    });
  }
}
