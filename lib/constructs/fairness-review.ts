/**
 * The scheduled fairness review: an EventBridge Scheduler schedule (`fairnessReviewSchedule`)
 * invokes a Lambda that reviews the last full week per use case, reading the ledger with
 * key-conditioned Queries only (the chains index, then each chain): its role has no
 * dynamodb:Scan. Reports go write-once to the archive, `review` records to the ledger,
 * FairnessReview alerts to the alerts bus.
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { ReviewSettings } from '#core/fairness/settings.ts';
import { handlerEntry } from '#lib/paths.ts';
import { ARCHIVE_PREFIXES, type ArchiveBucket } from './archive-bucket.ts';
import { acknowledgeGrantPolicy } from './audit-function.ts';
import type { LedgerTable } from './ledger-table.ts';
import { scheduledFunction } from './scheduled-function.ts';

export interface FairnessReviewProps {
  readonly ledger: LedgerTable;
  readonly archive: ArchiveBucket;
  readonly alertsBus: events.EventBus;
  readonly logsKey: kms.IKey;
  /** EventBridge Scheduler expression, `rate(…)` or `cron(…)` (UTC). */
  readonly schedule: string;
  readonly settings: ReviewSettings;
  /** Extra environment (LEDGER_TABLE etc. are set by the stack). @default {} */
  readonly environment?: Readonly<Record<string, string>>;
  /** A review streams the ledger; a million decisions take well under a minute of CPU.
   * @default Duration.minutes(15) */
  readonly timeout?: Duration;
  /** @default 1024 */
  readonly memorySize?: number;
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

export const fairnessReviewDefaults = {
  environment: {},
  timeout: Duration.minutes(15),
  memorySize: 1024,
  removalPolicy: RemovalPolicy.RETAIN,
} as const;

export class FairnessReview extends Construct {
  public readonly function: lambda.Function;
  public readonly schedule: scheduler.Schedule;
  public readonly deadLetterQueue: sqs.Queue;
  public readonly schedulerRole: iam.Role;

  constructor(scope: Construct, id: string, props: FairnessReviewProps) {
    super(scope, id);
    const p = { ...fairnessReviewDefaults, ...props };
    // One run at a time: a retry must not race the run it retries.
    const { handler: fn, deadLetterQueue } = scheduledFunction(this, {
      schedule: p.schedule,
      queueKeyDescription: 'Audit trail: fairness review dead-letter queue encryption',
      entry: handlerEntry('fairness-review'),
      description: 'Audit trail: weekly fairness review (reports, review records, alerts)',
      logsKey: p.logsKey,
      environment: { ...p.environment, FAIRNESS_REVIEW: JSON.stringify(p.settings) },
      timeout: p.timeout,
      memorySize: p.memorySize,
      removalPolicy: p.removalPolicy,
    });
    this.deadLetterQueue = deadLetterQueue;
    this.function = fn.function;

    // Its own role (not the stack-wide one LambdaInvoke would share): invoke this function.
    this.schedulerRole = new iam.Role(this, 'SchedulerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: 'Audit trail: EventBridge Scheduler invokes the fairness review',
    });
    acknowledgeGrantPolicy(this.schedulerRole);
    const stack = Stack.of(this);
    const functionId = stack.resolve(
      stack.getLogicalId(this.function.node.defaultChild as lambda.CfnFunction),
    ) as string;
    Validations.of(this.schedulerRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${functionId}.Arn>:*]`,
      reason:
        'The Scheduler target grant covers the function and its versions/aliases (`:*`); the function itself is the only resource.',
    });

    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      schedule: scheduler.ScheduleExpression.expression(p.schedule),
      description: 'Audit trail: weekly fairness review',
      target: new targets.LambdaInvoke(this.function, {
        role: this.schedulerRole,
        deadLetterQueue: this.deadLetterQueue,
        retryAttempts: 2,
        maxEventAge: Duration.hours(1),
      }),
    });

    props.ledger.grantQueryAppend(this.function);
    props.archive.grantArchiveWrite(this.function, [
      ...ARCHIVE_PREFIXES.records,
      ...ARCHIVE_PREFIXES.reports,
    ]);
    props.alertsBus.grantPutEventsTo(this.function);
  }
}
