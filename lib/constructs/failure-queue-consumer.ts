/**
 * The failure-queue consumer: a Lambda fed by the processor's failure queue (the pointers
 * the Kinesis event source mapping writes when it gives up on a range) that reads each range
 * back from the stream while it still holds it and runs the processor over it, giving up at
 * once, so every event ends as its record or a `rejected` one with its bytes quarantined.
 * Ranges the stream no longer holds become a `rejected` record on the governance chain.
 */
import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledgeRule } from '#lib/nag.ts';
import { handlerEntry } from '#lib/paths.ts';
import { ARCHIVE_PREFIXES, type ArchiveBucket } from './archive-bucket.ts';
import { AuditFunction } from './audit-function.ts';
import type { LedgerTable } from './ledger-table.ts';

/** The consumer's timeout; the failure queue's visibility timeout is six times it. */
export const FAILURE_QUEUE_CONSUMER_TIMEOUT_SECONDS = 120;

export interface FailureQueueConsumerProps {
  readonly queue: sqs.IQueue;
  readonly stream: kinesis.IStream;
  readonly ledger: LedgerTable;
  readonly archive: ArchiveBucket;
  readonly alertsBus: events.EventBus;
  readonly logsKey: kms.IKey;
  /** The processor's environment (the consumer builds the same dependencies). */
  readonly environment: Readonly<Record<string, string>>;
  /** Policy JSON compiled into the bundle, as the processor's. @default the built-in one */
  readonly policy?: string;
  readonly removalPolicy: RemovalPolicy;
}

export class FailureQueueConsumer extends Construct {
  public readonly function: lambda.Function;

  constructor(scope: Construct, id: string, props: FailureQueueConsumerProps) {
    super(scope, id);
    const auditFunction = new AuditFunction(this, 'Handler', {
      entry: handlerEntry('failure-queue'),
      description: 'Audit trail: re-drives ranges the processor gave up on, or quarantines them',
      logsKey: props.logsKey,
      environment: props.environment,
      ...(props.policy === undefined ? {} : { policy: props.policy }),
      timeout: Duration.seconds(FAILURE_QUEUE_CONSUMER_TIMEOUT_SECONDS),
      // One at a time: the ranges belong to chains the processor may be appending to.
      reservedConcurrentExecutions: 1,
      removalPolicy: props.removalPolicy,
    });
    this.function = auditFunction.function;
    this.function.addEventSource(
      new SqsEventSource(props.queue, { batchSize: 1, reportBatchItemFailures: true }),
    );
    props.stream.grantRead(this.function);
    props.ledger.grantAppend(this.function);
    props.archive.grantArchiveWrite(this.function, [
      ...ARCHIVE_PREFIXES.records,
      ...ARCHIVE_PREFIXES.quarantine,
    ]);
    props.alertsBus.grantPutEventsTo(this.function);
    acknowledgeRule(
      this.function,
      'LambdaDLQ',
      'Its source is an SQS queue that keeps a message until it is re-driven (14 days); failed messages return to it, so a further dead-letter queue adds nothing.',
    );
  }
}
