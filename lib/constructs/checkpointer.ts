/**
 * The checkpointer: on a schedule, signs a Merkle tree head of every chain that grew with a
 * KMS asymmetric key (Ed25519, SIGN_VERIFY) and writes the C2SP checkpoint and the public
 * verifier key (`keys/<log name>.vkey`) to the archive.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { handlerEntry } from '#lib/paths.ts';
import { ARCHIVE_PREFIXES, type ArchiveBucket } from './archive-bucket.ts';
import { KeyGuard } from './key-guard.ts';
import type { LedgerTable } from './ledger-table.ts';
import { scheduledFunction } from './scheduled-function.ts';

export interface CheckpointerProps {
  readonly ledger: LedgerTable;
  readonly archive: ArchiveBucket;
  readonly logsKey: kms.IKey;
  /** EventBridge schedule expression, `rate(…)` or `cron(…)`. */
  readonly schedule: string;
  /** Extra environment (LOG_NAME etc. are set by the stack; SIGNING_KEY_ID by this
   * construct). @default {} */
  readonly environment?: Readonly<Record<string, string>>;
  /** @default Duration.minutes(5) */
  readonly timeout?: Duration;
  /** @default 512 */
  readonly memorySize?: number;
  /** Of the keys, queue and log group. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

export const checkpointerDefaults = {
  environment: {},
  timeout: Duration.minutes(5),
  memorySize: 512,
  removalPolicy: RemovalPolicy.RETAIN,
} as const;

/** aws-cdk-lib 2.276 has KeySpec.ECC_NIST_EDWARDS25519 (KMS Ed25519, EdDSA signing). */
export const signingKeyDefaults = {
  keySpec: kms.KeySpec.ECC_NIST_EDWARDS25519,
  keyUsage: kms.KeyUsage.SIGN_VERIFY,
} as const;

export class Checkpointer extends Construct {
  public readonly function: lambda.Function;
  public readonly signingKey: kms.Key;
  public readonly rule: events.Rule;
  public readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: CheckpointerProps) {
    super(scope, id);
    const p = { ...checkpointerDefaults, ...props };
    this.signingKey = new kms.Key(this, 'SigningKey', {
      ...signingKeyDefaults,
      description: 'Audit trail: signs checkpoints (C2SP signed note, Ed25519)',
      removalPolicy: p.removalPolicy,
    });
    Validations.of(this.signingKey).acknowledge({
      id: 'AwsSolutions-KMS5',
      reason:
        'KMS cannot rotate asymmetric keys; the verifier key is published in the archive and a new key would be a new signer name.',
    });

    // One run at a time: checkpoints of a chain must not race.
    const { handler: fn, deadLetterQueue } = scheduledFunction(this, {
      schedule: p.schedule,
      queueKeyDescription: 'Audit trail: checkpointer dead-letter queue encryption',
      entry: handlerEntry('checkpointer'),
      description: 'Audit trail: signs Merkle checkpoints of every chain (KMS Ed25519)',
      logsKey: p.logsKey,
      environment: { ...p.environment, SIGNING_KEY_ID: this.signingKey.keyArn },
      timeout: p.timeout,
      memorySize: p.memorySize,
      removalPolicy: p.removalPolicy,
    });
    this.deadLetterQueue = deadLetterQueue;
    this.function = fn.function;

    this.rule = new events.Rule(this, 'Schedule', {
      schedule: events.Schedule.expression(p.schedule),
      description: 'Audit trail: sign checkpoints',
    });
    this.rule.addTarget(
      new targets.LambdaFunction(this.function, {
        deadLetterQueue: this.deadLetterQueue,
        retryAttempts: 2,
        maxEventAge: Duration.hours(1),
      }),
    );

    this.signingKey.grant(this.function, 'kms:Sign', 'kms:GetPublicKey');
    // Nobody else signs, whatever IAM grants them (an admin with kms:* included).
    KeyGuard.restrictSigning(this.signingKey, fn.role);
    props.ledger.grantRead(this.function);
    props.ledger.grantBookkeeping(this.function);
    // Leaves come from the archived segments (read anywhere); it alone writes the signed
    // prefixes (keys/, checkpoints, index/).
    props.archive.grantArchiveWrite(this.function, ARCHIVE_PREFIXES.signed, { exclusive: true });
  }
}
