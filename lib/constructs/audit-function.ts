/**
 * The Lambda defaults every function of the stack shares: Node.js 22 on ARM64, bundled
 * with the local esbuild (no Docker), minified ESM with source maps, X-Ray tracing,
 * Powertools settings, an encrypted log group with retention, and a role that holds only
 * what the function is granted (no AWS managed policies).
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledgeRule } from '#lib/nag.ts';
import { projectRoot } from '#lib/paths.ts';
import { KEY_USE_ACTIONS } from './key-use.ts';

export interface AuditFunctionProps {
  /** Handler file, absolute. */
  readonly entry: string;
  readonly description: string;
  /** KMS key of the function's log group (its policy must allow CloudWatch Logs). */
  readonly logsKey: kms.IKey;
  /** An execution role made beforehand, when other resources must name it first (the purge
   * role, which the ledger's resource policy names). @default a new role */
  readonly role?: iam.Role;
  /** @default {} */
  readonly environment?: Readonly<Record<string, string>>;
  /** Policy JSON compiled into the bundle as `process.env.AUDIT_TRAIL_POLICY` (an esbuild
   * define), so a policy of any size deploys and changing it redeploys the code.
   * @default none: the handler runs the built-in default policy */
  readonly policy?: string;
  /** @default 512 */
  readonly memorySize?: number;
  /** @default Duration.seconds(30) */
  readonly timeout?: Duration;
  /** @default none */
  readonly reservedConcurrentExecutions?: number;
  /** Dead-letter queue for failed asynchronous invocations. @default none */
  readonly deadLetterQueue?: sqs.IQueue;
  /** @default logs.RetentionDays.ONE_YEAR */
  readonly logRetention?: logs.RetentionDays;
  /** Of the log group. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /** POWERTOOLS_SERVICE_NAME. @default 'audit-trail' */
  readonly serviceName?: string;
  /** LOG_LEVEL. @default 'INFO' */
  readonly logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
}

/** Secure, cheap defaults; merged with the caller's props in one place. */
export const auditFunctionDefaults = {
  environment: {},
  memorySize: 512,
  timeout: Duration.seconds(30),
  logRetention: logs.RetentionDays.ONE_YEAR,
  removalPolicy: RemovalPolicy.RETAIN,
  serviceName: 'audit-trail',
  logLevel: 'INFO',
} as const;

/** esbuild settings: local bundling, AWS SDK v3 from the Lambda runtime (keeps bundles small). */
export const bundlingDefaults: BundlingOptions = {
  forceDockerBundling: false,
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  target: 'node22',
  format: OutputFormat.ESM,
  mainFields: ['module', 'main'],
  externalModules: ['@aws-sdk/*'],
  banner:
    "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
};

export class AuditFunction extends Construct {
  public readonly function: NodejsFunction;
  public readonly role: iam.Role;
  public readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: AuditFunctionProps) {
    super(scope, id);
    const p = { ...auditFunctionDefaults, ...props };
    if (p.memorySize < 128 || p.memorySize > 10_240) {
      throw new Error(`${id}: memorySize must be 128..10240 MB, got ${p.memorySize}`);
    }
    if (p.reservedConcurrentExecutions !== undefined && p.reservedConcurrentExecutions < 1) {
      throw new Error(`${id}: reservedConcurrentExecutions must be at least 1`);
    }

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      encryptionKey: p.logsKey,
      retention: p.logRetention,
      removalPolicy: p.removalPolicy,
    });
    this.role =
      props.role ??
      new iam.Role(this, 'Role', {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        description: `${props.description} (execution role)`,
      });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      entry: p.entry,
      projectRoot,
      depsLockFilePath: `${projectRoot}/package-lock.json`,
      handler: 'handler',
      description: p.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: p.memorySize,
      timeout: p.timeout,
      role: this.role,
      logGroup: this.logGroup,
      tracing: lambda.Tracing.ACTIVE,
      bundling:
        p.policy === undefined
          ? bundlingDefaults
          : {
              ...bundlingDefaults,
              define: { 'process.env.AUDIT_TRAIL_POLICY': JSON.stringify(p.policy) },
            },
      environment: {
        ...p.environment,
        POWERTOOLS_SERVICE_NAME: p.serviceName,
        POWERTOOLS_METRICS_NAMESPACE: 'AuditTrail',
        LOG_LEVEL: p.logLevel,
        NODE_OPTIONS: '--enable-source-maps',
      },
      ...(p.reservedConcurrentExecutions === undefined
        ? {}
        : { reservedConcurrentExecutions: p.reservedConcurrentExecutions }),
      ...(p.deadLetterQueue === undefined ? {} : { deadLetterQueue: p.deadLetterQueue }),
    });
    p.deadLetterQueue?.encryptionMasterKey?.grant(this.role, ...KEY_USE_ACTIONS);

    acknowledgeGrantPolicy(this.role);
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray PutTraceSegments/PutTelemetryRecords (tracing) support no resource-level permissions; every other grant is scoped to its resource.',
    });
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 is the runtime the project pins (engines, local mode, tests); it moves to the next LTS with the project, not silently.',
    });
    acknowledgeRule(
      this.function,
      'LambdaInsideVPC',
      'Serverless by design: the function reaches only AWS APIs (IAM-authorised, TLS) and holds no network-reachable resource a VPC would protect.',
    );
  }
}

/** Roles whose permissions come from CDK grants (one generated policy per role). */
export function acknowledgeGrantPolicy(role: iam.IRole): void {
  const reason =
    "The policy is generated from least-privilege grants scoped to this stack's resources and attached to this one role only; a customer managed policy would hold the same statements.";
  acknowledgeRule(role, 'IAMNoInlinePolicy', reason);
}
