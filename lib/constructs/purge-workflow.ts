/**
 * The purge workflow (issue 7): a Step Functions state machine started daily by EventBridge
 * Scheduler.
 *
 *   Plan (what is due; run id) ─▶ dry run? ─yes─▶ PurgeCompleted {dry_run: true}
 *                                     └─no─▶ Map over chains (bounded concurrency):
 *                                            receipt per chain ─▶ Finish (escrow held keys,
 *                                            destroy keys, summary) ─▶ PurgeCompleted
 *   any step failing after its retries ─▶ Failed (alarmed)
 *
 * Input: `{"dry_run": true|false}` (the schedule sends false).
 * Every step is idempotent (receipts by deterministic event id, key deletion), so a retry or
 * a rerun purges nothing twice. The body-key table lives here: only the purge role may delete
 * its items (its resource policy), it has no PITR and no streams (a backup would bring erased
 * keys back), and it is encrypted with its own KMS key.
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { SUBJECT_ID_KEY } from '#core/retention/subjects.ts';
import { handlerEntry } from '#lib/paths.ts';
import type { ArchiveBucket } from './archive-bucket.ts';
import { AuditFunction, acknowledgeGrantPolicy } from './audit-function.ts';
import { KEY_USE_ACTIONS, rotatingKey } from './key-use.ts';
import type { LedgerTable } from './ledger-table.ts';

export interface PurgeWorkflowProps {
  readonly ledger: LedgerTable;
  readonly archive: ArchiveBucket;
  readonly bus: events.EventBus;
  readonly logsKey: kms.IKey;
  /** The purge role: made by the stack first, since the ledger's resource policy names it. */
  readonly role: iam.Role;
  readonly environment?: Readonly<Record<string, string>>;
  /** EventBridge Scheduler expression. @default cron(15 2 * * ? *) (daily, 02:15 UTC) */
  readonly schedule?: string;
  /** Chains purged at once in the Map state. @default 4 */
  readonly maxConcurrency?: number;
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

export const purgeWorkflowDefaults = {
  environment: {},
  schedule: 'cron(15 2 * * ? *)',
  maxConcurrency: 4,
  removalPolicy: RemovalPolicy.RETAIN,
} as const;

/** Retries of every task: transient Lambda and throttling errors, with backoff and jitter. */
export const purgeRetry: sfn.RetryProps = {
  errors: ['States.ALL'],
  interval: Duration.seconds(5),
  maxAttempts: 4,
  backoffRate: 2,
  maxDelay: Duration.minutes(2),
  jitterStrategy: sfn.JitterType.FULL,
};

export class PurgeWorkflow extends Construct {
  public readonly stateMachine: sfn.StateMachine;
  public readonly keysTable: dynamodb.Table;
  public readonly function: AuditFunction['function'];
  public readonly failedAlarm: cloudwatch.Alarm;
  public readonly schedule: scheduler.CfnSchedule;

  constructor(scope: Construct, id: string, props: PurgeWorkflowProps) {
    super(scope, id);
    const p = { ...purgeWorkflowDefaults, ...props };
    if (!Number.isInteger(p.maxConcurrency) || p.maxConcurrency < 1 || p.maxConcurrency > 40) {
      throw new Error(`${id}: maxConcurrency must be 1..40, got ${p.maxConcurrency}`);
    }

    this.keysTable = this.buildKeysTable(p.role, p.removalPolicy);
    const fn = new AuditFunction(this, 'Handler', {
      entry: handlerEntry('purge'),
      description: 'Audit trail: purge steps (plan, receipt per chain, destroy body keys)',
      logsKey: p.logsKey,
      role: p.role,
      environment: { ...p.environment, BODY_KEYS_TABLE: this.keysTable.tableName },
      timeout: Duration.minutes(15),
      memorySize: 1024,
      // The Map's branches plus the plan/finish step; runs never overlap by much.
      reservedConcurrentExecutions: p.maxConcurrency + 1,
      removalPolicy: p.removalPolicy,
    });
    this.function = fn.function;
    const syncReason =
      'Invoked synchronously by the state machine, which retries each step with backoff and routes a final failure to the Failed state and its alarm; a DLQ would never receive anything.';
    Validations.of(this.function).acknowledge(
      { id: 'NIST.800.53.R5-LambdaDLQ', reason: syncReason },
      { id: 'HIPAA.Security-LambdaDLQ', reason: syncReason },
    );
    props.ledger.grantAppend(this.function);
    props.archive.grantArchiveWrite(this.function);
    props.archive.grantLegalHolds(this.function);
    this.keysKey.grant(this.function, ...KEY_USE_ACTIONS);
    this.keysTable.grant(
      this.function,
      'dynamodb:GetItem',
      'dynamodb:BatchGetItem',
      'dynamodb:PutItem',
      'dynamodb:DeleteItem',
      'dynamodb:Scan',
    );

    this.stateMachine = this.buildStateMachine(p.bus, p.maxConcurrency, p.logsKey, p.removalPolicy);
    this.schedule = this.buildSchedule(p.schedule);
    this.failedAlarm = new cloudwatch.Alarm(this, 'FailedAlarm', {
      alarmDescription:
        'Audit trail: a purge run failed after its retries (bodies may be past retention)',
      metric: this.stateMachine.metricFailed({ period: Duration.hours(1), statistic: 'Sum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }

  /** The body-key table's KMS key (always set: buildKeysTable makes it). */
  private get keysKey(): kms.IKey {
    return this.keysTable.encryptionKey as kms.IKey;
  }

  /** Layout v2 writers (the processor): read keys and create missing ones, never delete. */
  public grantKeyUse(grantee: iam.IGrantable): void {
    this.keysKey.grant(grantee, ...KEY_USE_ACTIONS);
    this.keysTable.grant(grantee, 'dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:PutItem');
  }

  /** The subject-hash secret only (the legal-hold and erasure routes name users by subject
   * id): read it, or create it when no writer has yet; no other key. */
  public grantSubjectIds(grantee: iam.IGrantable): void {
    this.keysKey.grant(grantee, ...KEY_USE_ACTIONS);
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:PutItem'],
      resourceArns: [this.keysTable.tableArn],
      conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [SUBJECT_ID_KEY] } },
    });
  }

  /** Readers that open bodies (query, fairness review): read keys only. */
  public grantKeyRead(grantee: iam.IGrantable): void {
    this.keysKey.grant(grantee, 'kms:Decrypt', 'kms:DescribeKey');
    this.keysTable.grant(grantee, 'dynamodb:GetItem', 'dynamodb:BatchGetItem');
  }

  private buildKeysTable(purgeRole: iam.Role, removalPolicy: RemovalPolicy): dynamodb.Table {
    const key = rotatingKey(
      this,
      'KeysKey',
      'Audit trail: body-key table encryption',
      removalPolicy,
    );
    const table = new dynamodb.Table(this, 'Keys', {
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: key,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: false },
      deletionProtection: removalPolicy === RemovalPolicy.RETAIN,
      removalPolicy,
      resourcePolicy: new iam.PolicyDocument({
        statements: [
          new iam.PolicyStatement({
            sid: 'OnlyThePurgeRoleDestroysKeys',
            effect: iam.Effect.DENY,
            principals: [new iam.AnyPrincipal()],
            actions: [
              'dynamodb:DeleteItem',
              'dynamodb:BatchWriteItem',
              'dynamodb:PartiQLDelete',
              'dynamodb:UpdateItem',
              'dynamodb:PartiQLUpdate',
            ],
            resources: ['*'],
            conditions: { ArnNotEquals: { 'aws:PrincipalArn': purgeRole.roleArn } },
          }),
        ],
      }),
    });
    const reason =
      'Deliberately without backups: a backup or PITR copy would bring destroyed body keys (erased bodies) back. Losing a key loses only bodies, never the hashed chain, which the S3 Object Lock archive keeps.';
    for (const rule of [
      'AwsSolutions-DDB3',
      'NIST.800.53.R5-DynamoDBPITREnabled',
      'NIST.800.53.R5-DynamoDBInBackupPlan',
      'HIPAA.Security-DynamoDBPITREnabled',
      'HIPAA.Security-DynamoDBInBackupPlan',
    ]) {
      Validations.of(table).acknowledge({ id: rule, reason });
    }
    return table;
  }

  private buildStateMachine(
    bus: events.EventBus,
    maxConcurrency: number,
    logsKey: kms.IKey,
    removalPolicy: RemovalPolicy,
  ): sfn.StateMachine {
    const invoke = (id: string, payload: Record<string, unknown>, resultPath: string) =>
      new tasks.LambdaInvoke(this, id, {
        lambdaFunction: this.function,
        payload: sfn.TaskInput.fromObject(payload),
        payloadResponseOnly: true,
        // One retry policy for every task (purgeRetry), not the SDK default before it.
        retryOnServiceExceptions: false,
        resultPath,
      }).addRetry(purgeRetry);

    const failed = new sfn.Fail(this, 'Failed', {
      error: 'PurgeFailed',
      cause: 'a purge step failed after its retries',
    });
    const plan = invoke(
      'Plan',
      {
        step: 'plan',
        'dry_run.$': '$.dry_run',
        'now.$': '$$.Execution.StartTime',
      },
      '$.plan',
    ).addCatch(failed, { resultPath: '$.error' });

    const completed = (id: string, detail: string) =>
      new tasks.EventBridgePutEvents(this, id, {
        entries: [
          {
            eventBus: bus,
            source: 'audit-trail.purge',
            detailType: 'PurgeCompleted',
            detail: sfn.TaskInput.fromJsonPathAt(detail),
          },
        ],
        resultPath: sfn.JsonPath.DISCARD,
      }).addRetry(purgeRetry);

    const receipts = new sfn.Map(this, 'ReceiptPerChain', {
      itemsPath: '$.plan.chains',
      maxConcurrency,
      itemSelector: {
        step: 'chain',
        'item.$': '$$.Map.Item.Value',
        'run_id.$': '$.plan.run_id',
        'now.$': '$.plan.now',
      },
      resultPath: sfn.JsonPath.DISCARD,
    });
    receipts.itemProcessor(
      invoke(
        'Receipt',
        { 'step.$': '$.step', 'item.$': '$.item', 'run_id.$': '$.run_id', 'now.$': '$.now' },
        '$',
      ),
    );
    receipts.addCatch(failed, { resultPath: '$.error' });
    const finish = invoke('Finish', { step: 'finish', 'now.$': '$.plan.now' }, '$.report').addCatch(
      failed,
      { resultPath: '$.error' },
    );

    const definition = plan.next(
      new sfn.Choice(this, 'DryRun?')
        .when(
          sfn.Condition.booleanEquals('$.plan.dry_run', true),
          completed('ReportDryRun', '$.plan'),
        )
        .otherwise(receipts.next(finish).next(completed('PurgeCompleted', '$.report'))),
    );

    const logGroup = new logs.LogGroup(this, 'Logs', {
      encryptionKey: logsKey,
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy,
    });
    const machine = new sfn.StateMachine(this, 'StateMachine', {
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      timeout: Duration.hours(6),
      tracingEnabled: true,
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });
    const reason =
      'Generated by the Step Functions grants: invoking the purge function (its versions, `:*`) and writing X-Ray traces and log deliveries, which take no resource ARN.';
    Validations.of(machine.role).acknowledge(
      { id: 'AwsSolutions-IAM5[Resource::*]', reason },
      {
        id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.function.node.defaultChild as lambda.CfnFunction)}.Arn>:*]`,
        reason,
      },
    );
    acknowledgeGrantPolicy(machine.role);
    return machine;
  }

  private buildSchedule(expression: string): scheduler.CfnSchedule {
    const role = new iam.Role(this, 'SchedulerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com'),
      description: 'Audit trail: starts the daily purge run',
    });
    this.stateMachine.grantStartExecution(role);
    acknowledgeGrantPolicy(role);
    return new scheduler.CfnSchedule(this, 'Schedule', {
      description: 'Audit trail: daily purge of bodies past retention or erased on request',
      scheduleExpression: expression,
      scheduleExpressionTimezone: 'UTC',
      flexibleTimeWindow: { mode: 'OFF' },
      target: {
        arn: this.stateMachine.stateMachineArn,
        roleArn: role.roleArn,
        input: JSON.stringify({ dry_run: false }),
        retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
      },
    });
  }
}
