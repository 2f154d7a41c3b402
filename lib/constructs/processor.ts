/**
 * The processor: a Lambda fed by the Kinesis stream through an event source mapping that
 * keeps order per shard (parallelization factor 1, so per chain), splits failing batches,
 * reports per-record failures, bounds retries and record age, and sends what still fails to
 * an encrypted SQS queue (pointers to the records, which the stream keeps for replay).
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { KinesisEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledgeRule } from '#lib/nag.ts';
import { handlerEntry } from '#lib/paths.ts';
import { ARCHIVE_PREFIXES, type ArchiveBucket } from './archive-bucket.ts';
import { AuditFunction } from './audit-function.ts';
import { deadLetterQueue } from './dead-letter-queue.ts';
import { FAILURE_QUEUE_CONSUMER_TIMEOUT_SECONDS } from './failure-queue-consumer.ts';
import type { LedgerTable } from './ledger-table.ts';

export interface ProcessorProps {
  readonly stream: kinesis.IStream;
  readonly ledger: LedgerTable;
  readonly archive: ArchiveBucket;
  readonly alertsBus: events.EventBus;
  readonly logsKey: kms.IKey;
  /** Extra environment (LEDGER_TABLE etc. are set by the stack). @default {} */
  readonly environment?: Readonly<Record<string, string>>;
  /** Policy JSON compiled into the bundle. @default the built-in default policy */
  readonly policy?: string;
  /** @default 512 */
  readonly memorySize?: number;
  /** @default Duration.seconds(120) */
  readonly timeout?: Duration;
  /** @default none */
  readonly reservedConcurrentExecutions?: number;
  /** Records per invocation, 1..10000. @default 100 */
  readonly batchSize?: number;
  /** @default Duration.seconds(1) */
  readonly maxBatchingWindow?: Duration;
  /** Retries of a failing batch, 0..10000. @default 10000 (bounded by maxRecordAge) */
  readonly retryAttempts?: number;
  /** After this long since intake a record failing on its own becomes a `rejected` record
   * (env GIVE_UP_AFTER_SECONDS); below maxRecordAge. @default Duration.hours(1) */
  readonly giveUpAfter?: Duration;
  /** Older records go to the failure queue, 1 minute..7 days. @default Duration.hours(24) */
  readonly maxRecordAge?: Duration;
  /** Of the queue, key and log group. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

export const processorDefaults = {
  environment: {},
  memorySize: 512,
  timeout: Duration.seconds(120),
  batchSize: 100,
  maxBatchingWindow: Duration.seconds(1),
  retryAttempts: 10_000,
  giveUpAfter: Duration.hours(1),
  maxRecordAge: Duration.hours(24),
  removalPolicy: RemovalPolicy.RETAIN,
} as const;

/** Event source mapping settings that are not tunable: they carry the chain's guarantees. */
export const kinesisEventSourceDefaults = {
  startingPosition: lambda.StartingPosition.TRIM_HORIZON,
  bisectBatchOnError: true,
  reportBatchItemFailures: true,
  parallelizationFactor: 1,
} as const;

export class Processor extends Construct {
  public readonly function: lambda.Function;
  public readonly auditFunction: AuditFunction;
  /** Where the event source mapping sends records it gave up on (and failed async invokes). */
  public readonly failureQueue: sqs.Queue;
  public readonly eventSource: KinesisEventSource;

  constructor(scope: Construct, id: string, props: ProcessorProps) {
    super(scope, id);
    const p = { ...processorDefaults, ...props };
    if (!Number.isInteger(p.batchSize) || p.batchSize < 1 || p.batchSize > 10_000) {
      throw new Error(`${id}: batchSize must be 1..10000, got ${p.batchSize}`);
    }
    if (p.maxBatchingWindow.toSeconds() > 300) {
      throw new Error(`${id}: maxBatchingWindow must be at most 300 seconds`);
    }
    if (!Number.isInteger(p.retryAttempts) || p.retryAttempts < 0 || p.retryAttempts > 10_000) {
      throw new Error(`${id}: retryAttempts must be 0..10000 (bounded), got ${p.retryAttempts}`);
    }
    const age = p.maxRecordAge.toSeconds();
    if (age < 60 || age > 604_800) {
      throw new Error(`${id}: maxRecordAge must be 1 minute..7 days, got ${age} s`);
    }
    const giveUp = p.giveUpAfter.toSeconds();
    if (giveUp < 1 || giveUp >= age) {
      throw new Error(`${id}: giveUpAfter must be below maxRecordAge (${age} s), got ${giveUp} s`);
    }

    this.failureQueue = deadLetterQueue(this, 'FailureQueue', {
      keyDescription: 'Audit trail: processor failure queue encryption',
      noDlqReason:
        'This queue is itself the dead-letter destination of the event source mapping and of the function; a DLQ of a DLQ adds nothing.',
      removalPolicy: p.removalPolicy,
      // Six times the failure-queue consumer's timeout, as AWS advises for SQS sources.
      visibilityTimeout: Duration.seconds(FAILURE_QUEUE_CONSUMER_TIMEOUT_SECONDS * 6),
    });

    this.auditFunction = new AuditFunction(this, 'Handler', {
      entry: handlerEntry('processor'),
      description: 'Audit trail: Kinesis to policy, hash chain (DynamoDB) and archive (S3)',
      logsKey: p.logsKey,
      environment: { ...p.environment, GIVE_UP_AFTER_SECONDS: String(giveUp) },
      ...(p.policy === undefined ? {} : { policy: p.policy }),
      memorySize: p.memorySize,
      timeout: p.timeout,
      deadLetterQueue: this.failureQueue,
      removalPolicy: p.removalPolicy,
      ...(p.reservedConcurrentExecutions === undefined
        ? {}
        : { reservedConcurrentExecutions: p.reservedConcurrentExecutions }),
    });
    this.function = this.auditFunction.function;
    if (p.reservedConcurrentExecutions === undefined) {
      acknowledgeRule(
        this.function,
        'LambdaConcurrency',
        'Concurrency is bounded by the event source mapping (shards × parallelization factor 1); reserved concurrency is optional in config.',
      );
    }

    this.eventSource = new KinesisEventSource(props.stream, {
      ...kinesisEventSourceDefaults,
      batchSize: p.batchSize,
      maxBatchingWindow: p.maxBatchingWindow,
      retryAttempts: p.retryAttempts,
      maxRecordAge: p.maxRecordAge,
      onFailure: new SqsDlq(this.failureQueue),
    });
    this.function.addEventSource(this.eventSource);
    const sqsDlqGrant =
      "SqsDlq grants the function role send on the KMS-encrypted failure queue with CDK's encrypt/decrypt action set, on that one queue key only.";
    Validations.of(this.auditFunction.role).acknowledge(
      { id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]', reason: sqsDlqGrant },
      { id: 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]', reason: sqsDlqGrant },
    );

    props.ledger.grantAppend(this.function);
    props.archive.grantArchiveWrite(this.function, [
      ...ARCHIVE_PREFIXES.records,
      ...ARCHIVE_PREFIXES.quarantine,
    ]);
    props.alertsBus.grantPutEventsTo(this.function);
  }
}
