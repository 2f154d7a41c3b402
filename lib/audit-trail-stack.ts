/**
 * The audit trail on AWS: one construct per concern, composed and wired here.
 *
 *   client → IngestApi ─PutRecord(s)→ EventStream → Processor → LedgerTable + ArchiveBucket
 *                                                       ├→ Alerts (EventBridge → SNS)
 *                     failure queue (pointers) → FailureQueueConsumer → reads the range back
 *   Checkpointer (schedule) → signed checkpoints → ArchiveBucket;  Monitoring → Alerts topic
 *   CloudTrail (default bus) → BreakGlassWatch → Alerts topic
 *   FairnessReview (Scheduler, weekly) → reports → ArchiveBucket, review records → LedgerTable,
 *                                         FairnessReview alerts → Alerts
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { keyFile } from '#core/archive/layout.ts';
import { defaultPolicy } from '#core/policy/default-policy.ts';
import { loadPolicy } from '#core/policy/load-policy.ts';
import { policyVersion } from '#core/policy/version.ts';
import { type AuditTrailConfig, logNameOf, readPolicy, scheduleInterval } from './config.ts';
import { Alerts } from './constructs/alerts.ts';
import { ApiWaf } from './constructs/api-waf.ts';
import { ArchiveBucket } from './constructs/archive-bucket.ts';
import { BreakGlassWatch } from './constructs/break-glass-watch.ts';
import { Checkpointer } from './constructs/checkpointer.ts';
import { Console } from './constructs/console.ts';
import { EventStream } from './constructs/event-stream.ts';
import { FailureQueueConsumer } from './constructs/failure-queue-consumer.ts';
import { FairnessReview } from './constructs/fairness-review.ts';
import { IngestApi } from './constructs/ingest-api.ts';
import { KeyGuard } from './constructs/key-guard.ts';
import { KeyTable } from './constructs/key-table.ts';
import { LEDGER_INDEXES, LedgerTable } from './constructs/ledger-table.ts';
import { LogsKey } from './constructs/logs-key.ts';
import { Monitoring } from './constructs/monitoring.ts';
import { Processor } from './constructs/processor.ts';
import { PurgeWorkflow } from './constructs/purge-workflow.ts';
import { checkPolicyWiring, wirePolicy } from './policy-wiring.ts';

/** The route groups `buildAdminRoutes` mounts. */
export type AdminRouteGroup =
  | 'Governance'
  | 'Deployments'
  | 'Approvals'
  | 'AdminEvents'
  | 'Evidence';

export interface AuditTrailStackProps extends StackProps {
  readonly config: AuditTrailConfig;
  /** Directory config paths (policyFile) are relative to. @default process.cwd() */
  readonly configDir?: string;
}

export class AuditTrailStack extends Stack {
  public readonly stream: EventStream;
  public readonly ledger: LedgerTable;
  public readonly archive: ArchiveBucket;
  public readonly alerts: Alerts;
  public readonly processor: Processor;
  public readonly failureQueueConsumer: FailureQueueConsumer;
  public readonly checkpointer: Checkpointer;
  public readonly purge: PurgeWorkflow;
  public readonly fairnessReview: FairnessReview;
  /** The browser console, when `console.enabled`. */
  public readonly console: Console | undefined;
  public readonly ingestApi: IngestApi;
  /** `POST /v1/reviews/{event_id}` (a route Lambda of the API). */
  public readonly reviewFunction: lambda.Function;
  /** The route Lambdas of legal holds and erasures, deployments, approvals, the admin
   * chain and evidence, by construct id (one per permission group). */
  public readonly adminRoutes: Readonly<Record<AdminRouteGroup, lambda.Function>>;
  /** The API keys (tenant, role, chain scope by digest): `audit-trail keys --table`. */
  public readonly keyTable: KeyTable;
  public readonly monitoring: Monitoring;
  /** Break-glass and the key policy guard of every KMS key. */
  public readonly keyGuard: KeyGuard;
  /** Every use of the break-glass role, from CloudTrail, to the alert topic. */
  public readonly breakGlassWatch: BreakGlassWatch;
  /** The web ACL on the API stage, when `api.waf.enabled`. */
  public readonly apiWaf: ApiWaf | undefined;
  /** Checkpoint origin and signer key name. */
  public readonly logName: string;

  constructor(scope: Construct, id: string, props: AuditTrailStackProps) {
    super(scope, id, props);
    const { config } = props;
    const removalPolicy =
      config.removalPolicy === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
    this.logName = logNameOf(config, this.stackName);
    const policy = readPolicy(config, props.configDir);
    if (policy !== undefined) checkPolicyWiring(policy, config);

    const { breakGlassRoleArn, deployRoleArn, policyUpdates, auditorReplication } = config.security;
    this.keyGuard = new KeyGuard(this, 'KeyGuard', {
      policyUpdates,
      ...(breakGlassRoleArn === undefined ? {} : { breakGlassRoleArn }),
      ...(deployRoleArn === undefined ? {} : { deployRoleArn }),
    });
    const logsKey = new LogsKey(this, 'LogsKey', { removalPolicy }).key;
    this.stream = new EventStream(this, 'EventStream', {
      mode: config.stream.mode,
      ...(config.stream.mode === 'provisioned' ? { shardCount: config.stream.shardCount } : {}),
      retention: Duration.hours(config.stream.retentionHours),
      removalPolicy,
    });
    // Made first: the ledger's resource policy names it as the one principal that may remove.
    const purgeRole = new iam.Role(this, 'PurgeRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Audit trail: the purge (the only principal that may destroy body keys)',
    });
    this.ledger = new LedgerTable(this, 'Ledger', { removalPolicy, purgeRole });
    this.archive = new ArchiveBucket(this, 'Archive', {
      retentionDays: config.archiveRetentionDays,
      removalPolicy,
      guard: this.keyGuard,
      ...(auditorReplication === undefined ? {} : { replication: auditorReplication }),
    });
    this.alerts = new Alerts(this, 'Alerts', {
      removalPolicy,
      ...(config.alarmEmail === undefined ? {} : { email: config.alarmEmail }),
    });
    this.breakGlassWatch = new BreakGlassWatch(this, 'BreakGlassWatch', {
      roleArn: this.keyGuard.breakGlassRoleArn,
      topic: this.alerts.topic,
    });

    const environment: Record<string, string> = {
      LEDGER_TABLE: this.ledger.table.tableName,
      LEDGER_CHAINS_INDEX: LEDGER_INDEXES.chains,
      ARCHIVE_BUCKET: this.archive.bucket.bucketName,
      ARCHIVE_RETENTION_DAYS: String(config.archiveRetentionDays),
      LOG_NAME: this.logName,
      ALERTS_BUS: this.alerts.bus.eventBusName,
    };

    this.processor = new Processor(this, 'Processor', {
      stream: this.stream.stream,
      ledger: this.ledger,
      archive: this.archive,
      alertsBus: this.alerts.bus,
      logsKey,
      environment,
      ...(policy === undefined ? {} : { policy }),
      memorySize: config.processor.memoryMb,
      batchSize: config.processor.batchSize,
      maxBatchingWindow: Duration.seconds(config.processor.maxBatchingWindowSeconds),
      retryAttempts: config.processor.retryAttempts,
      maxRecordAge: Duration.hours(config.processor.maxRecordAgeHours),
      giveUpAfter: Duration.minutes(config.processor.giveUpAfterMinutes),
      removalPolicy,
      ...(config.processor.reservedConcurrency === undefined
        ? {}
        : { reservedConcurrentExecutions: config.processor.reservedConcurrency }),
    });

    this.failureQueueConsumer = new FailureQueueConsumer(this, 'FailureQueueConsumer', {
      queue: this.processor.failureQueue,
      stream: this.stream.stream,
      ledger: this.ledger,
      archive: this.archive,
      alertsBus: this.alerts.bus,
      logsKey,
      environment: {
        ...environment,
        GIVE_UP_AFTER_SECONDS: String(config.processor.giveUpAfterMinutes * 60),
      },
      ...(policy === undefined ? {} : { policy }),
      removalPolicy,
    });

    this.checkpointer = new Checkpointer(this, 'Checkpointer', {
      ledger: this.ledger,
      archive: this.archive,
      logsKey,
      schedule: config.checkpointSchedule,
      environment:
        config.witnesses.length === 0
          ? environment
          : { ...environment, WITNESSES: JSON.stringify(config.witnesses) },
      removalPolicy,
    });

    this.purge = new PurgeWorkflow(this, 'Purge', {
      ledger: this.ledger,
      archive: this.archive,
      bus: this.alerts.bus,
      logsKey,
      role: purgeRole,
      environment,
      removalPolicy,
    });

    this.fairnessReview = new FairnessReview(this, 'FairnessReview', {
      ledger: this.ledger,
      archive: this.archive,
      alertsBus: this.alerts.bus,
      logsKey,
      schedule: config.fairnessReviewSchedule,
      settings: {
        attributes: [...config.protectedAttributes],
        positiveDecisions: [...config.fairnessReview.positiveDecisions],
        positiveOutcomes: [...config.fairnessReview.positiveOutcomes],
        minGroupSize: config.fairnessReview.minGroupSize,
        useCases: [...config.fairnessReview.useCases],
      },
      environment,
      removalPolicy,
    });

    this.keyTable = new KeyTable(this, 'Keys', { removalPolicy });
    this.ingestApi = new IngestApi(this, 'IngestApi', {
      stream: this.stream.stream,
      ledger: this.ledger,
      keyTable: this.keyTable,
      archive: this.archive,
      archiveRetentionDays: config.archiveRetentionDays,
      logsKey,
      lanesPerChain: config.lanesPerChain,
      ...(policy === undefined ? {} : { policy }),
      rateLimit: config.api.rateLimit,
      burstLimit: config.api.burstLimit,
      authorizerCacheTtl: Duration.seconds(config.api.authorizerCacheSeconds),
      removalPolicy,
    });
    this.apiWaf = config.api.waf.enabled
      ? new ApiWaf(this, 'ApiWaf', {
          stage: this.ingestApi.stage,
          ratePerIp: config.api.waf.ratePerIp,
          managedRules: config.api.waf.managedRules,
          logsKey,
          removalPolicy,
        })
      : undefined;

    // What every writing route Lambda is told: the ledger, the archive and its lock.
    const writer = {
      LEDGER_TABLE: this.ledger.table.tableName,
      ARCHIVE_BUCKET: this.archive.bucket.bucketName,
      ARCHIVE_RETENTION_DAYS: String(config.archiveRetentionDays),
    };
    // Layout v2: the processor seals bodies with keys it may create (never delete); readers
    // open them with keys they may only read. RETENTION_RULES is the typed config's rules.
    const bodyKeys = { BODY_KEYS_TABLE: this.purge.keysTable.tableName };
    const retentionRules = {
      RETENTION_RULES: JSON.stringify({
        retentionDays: config.retentionDays,
        retentionOverrides: config.retentionOverrides,
      }),
    };
    this.processor.function.addEnvironment('RETENTION_RULES', retentionRules.RETENTION_RULES);
    this.purge.grantKeyUse(this.processor.function);
    // Verdicts (permission `review`): a review record on the reviewed event's chain, sealed
    // under its subject, so this function may append and create body keys.
    this.reviewFunction = this.ingestApi.mountRouteGroup('Review', {
      handler: 'review',
      routes: ['post_review'],
      environment: { ...writer, ...retentionRules, ...bodyKeys },
      grant: (fn) => {
        this.ledger.grantQueryAppend(fn);
        this.archive.grantArchiveWrite(fn);
        this.purge.grantKeyUse(fn);
      },
    });
    this.adminRoutes = this.buildAdminRoutes(writer, policy, bodyKeys);
    for (const reader of [this.fairnessReview.function, this.ingestApi.queryFunction]) {
      this.purge.grantKeyRead(reader);
    }
    for (const fn of [
      this.processor.function,
      this.fairnessReview.function,
      this.ingestApi.queryFunction,
    ]) {
      for (const [name, value] of Object.entries(bodyKeys)) fn.addEnvironment(name, value);
    }

    const functions: Record<string, typeof this.processor.function> = {
      Processor: this.processor.function,
      FailureQueueConsumer: this.failureQueueConsumer.function,
      Checkpointer: this.checkpointer.function,
      Purge: this.purge.function,
      FairnessReview: this.fairnessReview.function,
      Authorizer: this.ingestApi.authorizerFunction,
      Query: this.ingestApi.queryFunction,
      Review: this.reviewFunction,
      ...this.adminRoutes,
      OtlpTraces: this.ingestApi.otlpTracesFunction,
    };
    if (this.ingestApi.guardrailFunction) functions.Guardrail = this.ingestApi.guardrailFunction;
    const waf = this.apiWaf;
    this.monitoring = new Monitoring(this, 'Monitoring', {
      topic: this.alerts.topic,
      processor: this.processor.function,
      functions,
      queues: {
        Processor: this.processor.failureQueue,
        Checkpointer: this.checkpointer.deadLetterQueue,
        FairnessReview: this.fairnessReview.deadLetterQueue,
      },
      api: this.ingestApi.api,
      stream: this.stream.stream,
      checkpointInterval: scheduleInterval(config.checkpointSchedule),
      dashboardName: this.stackName,
      breakGlassRule: this.breakGlassWatch.rule,
      ...(waf === undefined ? {} : { wafRateBlocked: (period) => waf.metricRateBlocked(period) }),
    });

    if (policy !== undefined) {
      for (const fn of [
        this.processor.function,
        this.failureQueueConsumer.function,
        ...(this.ingestApi.guardrailFunction ? [this.ingestApi.guardrailFunction] : []),
      ]) {
        wirePolicy(fn, policy, config);
      }
    }

    this.purge.failedAlarm.addAlarmAction(new SnsAction(this.alerts.topic));

    this.console = config.console.enabled
      ? new Console(this, 'Console', {
          api: this.ingestApi.api,
          accessLogsBucket: this.archive.logBucket as s3.IBucket,
          removalPolicy,
        })
      : undefined;
    if (this.console !== undefined) {
      new CfnOutput(this, 'ConsoleUrl', {
        description: 'The browser console (sign in with an API key)',
        value: this.console.url,
      });
    }

    new CfnOutput(this, 'ApiEndpoint', {
      description: 'Base URL of the API (routes start with /v1)',
      value: this.ingestApi.api.url,
    });
    new CfnOutput(this, 'KeyTableName', {
      description:
        'API key store: npx audit-trail keys create --table <name> --ledger-table <LedgerTableName> --archive s3://<ArchiveBucketName> --role admin (prints the key once)',
      value: this.keyTable.table.tableName,
    });
    new CfnOutput(this, 'ArchiveBucketName', {
      description: 'S3 Object Lock archive (what auditors verify)',
      value: this.archive.bucket.bucketName,
    });
    new CfnOutput(this, 'PublicKeyLocation', {
      description: 'Checkpoint verifier key in the archive (written by the first checkpoint run)',
      value: `s3://${this.archive.bucket.bucketName}/${keyFile(this.logName)}`,
    });
    new CfnOutput(this, 'LogName', { description: 'Checkpoint origin', value: this.logName });
    new CfnOutput(this, 'LedgerTableName', { value: this.ledger.table.tableName });
    new CfnOutput(this, 'AlertsBusName', { value: this.alerts.bus.eventBusName });
    new CfnOutput(this, 'AlertsTopicArn', { value: this.alerts.topic.topicArn });
    new CfnOutput(this, 'PurgeStateMachineArn', { value: this.purge.stateMachine.stateMachineArn });
    new CfnOutput(this, 'SigningKeyArn', { value: this.checkpointer.signingKey.keyArn });
    new CfnOutput(this, 'BreakGlassRoleArn', {
      description: 'The only role that may disable keys, delete archive objects or change the lock',
      value: this.keyGuard.breakGlassRoleArn,
    });
  }

  /**
   * One route Lambda per permission group, each with only what its routes need:
   * `govern_records` appends holds, releases and erasure requests to the admin chain, reads
   * the ledger to find what a hold covers and sets S3 Object Lock legal holds on it, and
   * reads (or creates) the subject-hash secret, no other body key; `deploy` and `approver`
   * read and append to the admin chain alone, each with its own event ids; `read_admin`
   * reads the admin chain; `audit_reports` reads the archive and the body keys.
   */
  private buildAdminRoutes(
    writer: Readonly<Record<string, string>>,
    policy: string | undefined,
    bodyKeys: Readonly<Record<string, string>>,
  ): Record<AdminRouteGroup, lambda.Function> {
    const api = this.ingestApi;
    const adminWriter = (fn: lambda.Function, eventIds: readonly string[]) => {
      this.ledger.grantAdminRead(fn);
      this.ledger.grantAdminAppend(fn, eventIds);
      this.archive.grantArchiveWrite(fn);
    };
    const version = policyVersion(
      policy === undefined ? defaultPolicy() : loadPolicy(policy, 'policyFile'),
    );
    return {
      Governance: api.mountRouteGroup('Governance', {
        handler: 'governance',
        routes: ['post_legal_hold', 'delete_legal_hold', 'post_erasure_request'],
        timeout: Duration.seconds(29),
        environment: { ...writer, ...bodyKeys, LEDGER_CHAINS_INDEX: LEDGER_INDEXES.chains },
        grant: (fn) => {
          this.ledger.grantQuery(fn);
          this.ledger.grantAdminAppend(fn, ['hold_', 'release:', 'er_']);
          this.archive.grantArchiveWrite(fn);
          this.archive.grantLegalHolds(fn);
          this.purge.grantSubjectIds(fn);
        },
      }),
      Deployments: api.mountRouteGroup('Deployments', {
        handler: 'deployments',
        routes: ['post_deployment', 'post_assessment'],
        environment: { ...writer, POLICY_VERSION: version },
        grant: (fn) => adminWriter(fn, ['dep_', 'asm_']),
      }),
      Approvals: api.mountRouteGroup('Approvals', {
        handler: 'approvals',
        routes: ['post_approval'],
        environment: writer,
        grant: (fn) => adminWriter(fn, ['approval:']),
      }),
      AdminEvents: api.mountRouteGroup('AdminEvents', {
        handler: 'admin-events',
        routes: ['list_admin_events'],
        environment: writer,
        grant: (fn) => this.ledger.grantAdminRead(fn),
      }),
      Evidence: api.mountRouteGroup('Evidence', {
        handler: 'evidence',
        routes: ['evidence_report'],
        memorySize: 1024,
        timeout: Duration.seconds(29),
        environment: { ARCHIVE_BUCKET: this.archive.bucket.bucketName, ...bodyKeys },
        grant: (fn) => {
          this.archive.grantArchiveRead(fn);
          this.purge.grantKeyRead(fn);
        },
      }),
    };
  }
}
