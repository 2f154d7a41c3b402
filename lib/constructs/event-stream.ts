/** The Kinesis stream between the API and the processor, encrypted with a customer key. */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { rotatingKey } from './key-use.ts';

export interface EventStreamProps {
  /** @default 'on-demand' */
  readonly mode?: 'on-demand' | 'provisioned';
  /** Shards; required for (and only allowed with) `provisioned`. */
  readonly shardCount?: number;
  /** How long records stay readable, so the failure queue's pointers can be replayed.
   * @default Duration.days(7) */
  readonly retention?: Duration;
  /** @default a new key with yearly rotation */
  readonly encryptionKey?: kms.IKey;
  /** Of the stream and its key. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

export const eventStreamDefaults = {
  mode: 'on-demand',
  retention: Duration.days(7),
  removalPolicy: RemovalPolicy.RETAIN,
} as const;

export class EventStream extends Construct {
  public readonly stream: kinesis.Stream;
  public readonly encryptionKey: kms.IKey;

  constructor(scope: Construct, id: string, props: EventStreamProps = {}) {
    super(scope, id);
    const p = { ...eventStreamDefaults, ...props };
    const shardCount = p.shardCount ?? 0;
    if (p.mode === 'provisioned') {
      if (!Number.isInteger(shardCount) || shardCount < 1) {
        throw new Error(`${id}: provisioned mode needs shardCount ≥ 1, got ${p.shardCount}`);
      }
    } else if (p.shardCount !== undefined) {
      throw new Error(`${id}: shardCount is only for provisioned mode`);
    }
    const hours = p.retention.toHours();
    if (hours < 24 || hours > 8760) {
      throw new Error(`${id}: retention must be 24..8760 hours, got ${hours}`);
    }

    this.encryptionKey =
      p.encryptionKey ??
      rotatingKey(this, 'Key', 'Audit trail: Kinesis event stream encryption', p.removalPolicy);
    this.stream = new kinesis.Stream(this, 'Stream', {
      encryption: kinesis.StreamEncryption.KMS,
      encryptionKey: this.encryptionKey,
      retentionPeriod: p.retention,
      removalPolicy: p.removalPolicy,
      ...(p.mode === 'provisioned'
        ? { streamMode: kinesis.StreamMode.PROVISIONED, shardCount }
        : { streamMode: kinesis.StreamMode.ON_DEMAND }),
    });
    Validations.of(this.stream).acknowledge({
      id: 'AwsSolutions-KDS3',
      reason:
        "Encrypted with a customer managed key instead of aws/kinesis: its key policy, rotation and CloudTrail record are under the deployer's control.",
    });
  }
}
