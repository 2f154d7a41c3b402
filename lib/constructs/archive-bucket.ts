/**
 * The write-once archive: an S3 bucket with Object Lock in COMPLIANCE mode (nobody, the
 * root user included, can delete or shorten the retention of an object before it ends),
 * versioning, a customer key, TLS only, no public access, server access logs to a separate
 * log bucket, and a lifecycle rule to colder storage. Writers may put and read, never delete.
 *
 * Insider hardening (bucket policy, docs/DEPLOY.md "Insider hardening"): nobody but the
 * break-glass role may delete an object or version (delete markers included); nobody but the
 * administrators (break-glass, and the CloudFormation execution role unless configured
 * otherwise) may change the bucket policy, lifecycle, versioning, Object Lock or replication
 * configuration; a put may only ask for COMPLIANCE mode and at least the configured
 * retention; each writer puts under its own prefixes, and only the checkpointer under the
 * signed ones (`keys/`, checkpoints, `index/`).
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { indexPrefix, keysPrefix } from '#core/archive/layout.ts';
import { acknowledgeRule, acknowledgeWildcards } from '#lib/nag.ts';
import { KeyGuard } from './key-guard.ts';
import { KEY_USE_ACTIONS, rotatingKey } from './key-use.ts';

/** Object key patterns each kind of writer puts under (core/archive/layout.ts). An S3 `*`
 * spans `/`, but chain names are URI-encoded, so `chains/*\/segments/*` never names a
 * checkpoint. */
export const ARCHIVE_PREFIXES = {
  /** Segments and bodies stored by reference: every writer of records. */
  records: ['chains/*/segments/*', 'bodies/*'],
  /** Raw bytes of rejected input (processor, failure-queue consumer). */
  quarantine: ['quarantine/*'],
  /** Fairness review reports. */
  reports: ['reviews/*'],
  /** What the checkpointer signs or publishes: nobody else may write here. */
  signed: [`${keysPrefix}*`, 'chains/*/checkpoints/*', `${indexPrefix}*`],
} as const satisfies Record<string, readonly string[]>;

/** Bucket-level changes that could unlock, expire or re-route the archive. */
export const GUARDED_BUCKET_ACTIONS = [
  's3:PutBucketPolicy',
  's3:DeleteBucketPolicy',
  's3:PutLifecycleConfiguration',
  's3:PutBucketObjectLockConfiguration',
  's3:PutBucketVersioning',
  's3:PutReplicationConfiguration',
  's3:PutEncryptionConfiguration',
  's3:PutBucketOwnershipControls',
  's3:DeleteBucket',
] as const;

/** Who is exempt from the archive's administration denies. */
export interface ArchiveGuard {
  /** The only principal that may delete objects or versions. */
  readonly breakGlassRoleArn: string;
  /** May change the bucket's policy and configuration (break-glass, maybe CloudFormation). */
  readonly adminArns: readonly string[];
}

/** Replication of every new object to an Object Lock bucket in an account the auditor owns. */
export interface AuditorReplication {
  /** The destination bucket (Object Lock and versioning enabled, in the auditor's account). */
  readonly bucketArn: string;
  /** The auditor's account id (replicas become theirs). */
  readonly account: string;
  /** The destination's KMS key (replicas are re-encrypted with it). */
  readonly kmsKeyArn: string;
}

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
  /** Break-glass and administrators; without it deletes are denied to everyone and the
   * bucket-level denies are not added. @default none */
  readonly guard?: ArchiveGuard;
  /** @default no replication */
  readonly replication?: AuditorReplication;
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
      ...replicationOf(this, p.replication),
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

    this.addGuardStatements(p.retentionDays, p.guard);
    if (p.replication !== undefined) this.completeReplicationRole();

    if (p.replication === undefined) {
      const optional =
        "Replication to the auditor's Object Lock bucket is optional (security.auditorReplication); Object Lock COMPLIANCE and versioning already make objects immutable in this region.";
      acknowledgeRule(this.bucket, 'S3BucketReplicationEnabled', optional);
    }
    acknowledgeRule(
      this.logBucket,
      'S3BucketReplicationEnabled',
      'Server access logs are operational records kept 400 days in this region; the archive itself is what auditors replicate.',
    );
    const logsOfLogs =
      'This is the server access log bucket; logging it to itself would loop and logging it elsewhere only moves the question.';
    const sseS3 =
      'S3 server access log delivery supports only SSE-S3 encrypted target buckets, not SSE-KMS.';
    acknowledgeRule(this.logBucket, ['AwsSolutions-S1', 'S3BucketLoggingEnabled'], logsOfLogs);
    acknowledgeRule(this.logBucket, 'S3DefaultEncryptionKMS', sseS3);
  }

  /** Replicas keep their Object Lock retention and legal holds only if the role may read
   * them; CDK's role reads objects, not their lock. */
  private completeReplicationRole(): void {
    const role = this.bucket.node.tryFindChild('ReplicationRole');
    if (!(role instanceof iam.Role)) throw new Error('replication role not found');
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObjectRetention', 's3:GetObjectLegalHold'],
        resources: [this.bucket.arnForObjects('*')],
      }),
    );
    const policy = role.node.tryFindChild('DefaultPolicy') as iam.Policy;
    acknowledgeWildcards(
      policy.node.defaultChild as iam.CfnPolicy,
      "S3 replication reads every object version of the archive and writes every replica to the auditor's bucket, re-encrypted with their key (CDK's replication grants).",
    );
    acknowledgeRule(
      role,
      'IAMNoInlinePolicy',
      'The replication role is used by S3 alone; its one policy is generated from the replication rules and shared with nothing.',
    );
  }

  /** The insider denies (see the file comment). */
  private addGuardStatements(retentionDays: number, guard: ArchiveGuard | undefined): void {
    const objects = this.bucket.arnForObjects('*');
    const deny = (sid: string, actions: string[], conditions: Record<string, unknown>) =>
      new iam.PolicyStatement({
        sid,
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions,
        resources: [objects],
        conditions,
      });
    // A delete without a version id only adds a delete marker, which Object Lock allows and
    // which hides the object from a plain listing: deny both kinds of delete.
    this.bucket.addToResourcePolicy(
      guard === undefined
        ? deny('DenyDeletes', ['s3:DeleteObject', 's3:DeleteObjectVersion'], {})
        : KeyGuard.denyAllBut(
            'DenyDeletesButBreakGlass',
            ['s3:DeleteObject', 's3:DeleteObjectVersion'],
            [guard.breakGlassRoleArn],
            [objects],
          ),
    );
    // Absent headers mean the bucket's default (COMPLIANCE, retentionDays) applies.
    const writes = ['s3:PutObject', 's3:PutObjectRetention'];
    this.bucket.addToResourcePolicy(
      deny('DenyLockModesButCompliance', writes, {
        StringNotEqualsIfExists: { 's3:object-lock-mode': 'COMPLIANCE' },
      }),
    );
    // One day of slack: S3 counts whole days left until the retain-until date.
    this.bucket.addToResourcePolicy(
      deny('DenyShortRetention', writes, {
        NumericLessThan: { 's3:object-lock-remaining-retention-days': String(retentionDays - 1) },
      }),
    );
    if (guard !== undefined) {
      this.bucket.addToResourcePolicy(
        KeyGuard.denyAllBut(
          'DenyBucketChangesButAdministrators',
          [...GUARDED_BUCKET_ACTIONS, 's3:BypassGovernanceRetention'],
          guard.adminArns,
          [this.bucket.bucketArn, objects],
        ),
      );
    }
  }

  /**
   * Put objects (Object Lock retention included) under `prefixes` and read them back; never
   * delete. `exclusive`: nobody else may put there either (the bucket policy denies it).
   */
  grantArchiveWrite(
    grantee: iam.IGrantable,
    prefixes: readonly string[] = ARCHIVE_PREFIXES.records,
    options: { readonly exclusive?: boolean } = {},
  ): void {
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:PutObject', 's3:PutObjectRetention'],
      resourceArns: prefixes.map((prefix) => this.bucket.arnForObjects(prefix)),
    });
    this.grantObjects(grantee, ['s3:GetObject', 's3:GetObjectRetention']);
    this.encryptionKey.grant(grantee, ...KEY_USE_ACTIONS);
    acknowledgePrefixes(grantee, this.bucket, prefixes);
    if (options.exclusive === true) {
      const role = grantee.grantPrincipal;
      if (!(role instanceof iam.Role)) throw new Error('an exclusive writer must be a Role');
      this.bucket.addToResourcePolicy(
        KeyGuard.denyAllBut(
          'OnlyTheCheckpointerWritesSigned',
          ['s3:PutObject', 's3:PutObjectRetention'],
          [role.roleArn],
          prefixes.map((prefix) => this.bucket.arnForObjects(prefix)),
        ),
      );
    }
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

/** cdk-nag: each prefix grant is a wildcard on a documented layout prefix. */
const acknowledgePrefixes = (
  grantee: iam.IGrantable,
  bucket: s3.Bucket,
  prefixes: readonly string[],
): void => {
  const role = grantee.grantPrincipal;
  if (!(role instanceof iam.Role)) return;
  const id = Stack.of(bucket).getLogicalId(bucket.node.defaultChild as s3.CfnBucket);
  for (const prefix of prefixes) {
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${id}.Arn>/${prefix}]`,
      reason:
        'Puts are limited to this layout prefix (core/archive/layout.ts); object keys are content-addressed by chain and seq, and Object Lock COMPLIANCE keeps every version.',
    });
  }
};

/** The bucket props that replicate every new object to the auditor's bucket. */
const replicationOf = (
  scope: Construct,
  replication: AuditorReplication | undefined,
): Partial<s3.BucketProps> => {
  // CDK makes the replication role and grants it what the rules need.
  if (replication === undefined) return {};
  const destination = s3.Bucket.fromBucketAttributes(scope, 'AuditorBucket', {
    bucketArn: replication.bucketArn,
    account: replication.account,
  });
  return {
    replicationRules: [
      {
        destination,
        priority: 1,
        // Replicas belong to the auditor, whose bucket lock keeps them.
        accessControlTransition: true,
        kmsKey: kms.Key.fromKeyArn(scope, 'AuditorKey', replication.kmsKeyArn),
        sseKmsEncryptedObjects: true,
        // Delete markers are denied here anyway; never replicate one.
        deleteMarkerReplication: false,
      },
    ],
  };
};
