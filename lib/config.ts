/**
 * The stack's one typed configuration, read from cdk.json context (`auditTrail`) and/or a
 * JSON file named by context `auditTrailConfigFile` (the file's top-level keys win).
 * Every field has a documented default; unknown or bad fields fail synth with an error
 * that names the field.
 */

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Duration } from 'aws-cdk-lib';
import * as z from 'zod';
import { RECORD_KINDS, type RecordKind } from '#core/chain/record.ts';
import { AuditTrailError } from '#core/errors.ts';
import { type LanesPerChain, MAX_LANES } from '#core/events/lanes.ts';
import { MAX_CHAIN_KEY_LENGTH } from '#core/events/schema.ts';
import {
  DEFAULT_POSITIVE_DECISIONS,
  DEFAULT_POSITIVE_OUTCOMES,
  DEFAULT_PROTECTED_ATTRIBUTES,
  parseAttribute,
} from '#core/fairness/options.ts';
import { loadPolicy } from '#core/policy/load-policy.ts';
import { DEFAULT_RETENTION_DAYS, type RetentionOverride } from '#core/retention/rules.ts';

/** Raised when the configuration is missing, unreadable or invalid. */
export class AuditTrailConfigError extends AuditTrailError {
  readonly code = 'audit_trail_config';
  override readonly name = 'AuditTrailConfigError';
}

/** Kinesis capacity: on-demand (pay per GB) or a fixed number of provisioned shards. */
export type StreamConfig =
  | {
      readonly mode: 'on-demand';
      /** Hours Kinesis keeps records (24..8760). @default 168 (7 days) */
      readonly retentionHours: number;
    }
  | {
      readonly mode: 'provisioned';
      /** Number of shards (each ~1,000 records/s or 1 MB/s in). */
      readonly shardCount: number;
      /** Hours Kinesis keeps records (24..8760). @default 168 (7 days) */
      readonly retentionHours: number;
    };

/** Tuning of the processor Lambda and its Kinesis event source mapping. */
export interface ProcessorConfig {
  /** @default 512 */
  readonly memoryMb: number;
  /** Records per invocation (1..10000). @default 100 */
  readonly batchSize: number;
  /** Seconds to gather a batch (0..300). @default 1 */
  readonly maxBatchingWindowSeconds: number;
  /** Retries of a failing batch before it goes to the failure queue (0..10000): a large
   * budget, so transient faults are retried until `maxRecordAgeHours`. @default 10000 */
  readonly retryAttempts: number;
  /** Minutes after intake a record that keeps failing on its own (a poison record) becomes
   * a `rejected` record with its raw bytes quarantined, so its chain moves on (1..10080,
   * below `maxRecordAgeHours`). @default 60 */
  readonly giveUpAfterMinutes: number;
  /** Oldest record (hours) still processed before it goes to the failure queue (1..168,
   * at most the stream retention). @default 24 */
  readonly maxRecordAgeHours: number;
  /** Reserved concurrency; none by default (Kinesis bounds it at shards × 1). */
  readonly reservedConcurrency?: number | undefined;
}

/** Throttling, authorizer caching and the optional web ACL of the API. */
export interface ApiConfig {
  /** Steady requests per second over the whole stage (not per key: docs/DEPLOY.md,
   * Throttling). @default 500 */
  readonly rateLimit: number;
  /** Burst requests over the whole stage. @default 1000 */
  readonly burstLimit: number;
  /** Seconds API Gateway caches an authorizer answer (0..3600). Above 0 the cache is keyed
   * by the `Authorization` header, which every request must then carry (`x-api-key` alone
   * is refused), and requests without it never invoke the authorizer. @default 0 */
  readonly authorizerCacheSeconds: number;
  /** An AWS WAF web ACL on the API stage (lib/constructs/api-waf.ts). */
  readonly waf: WafConfig;
}

/** The optional web ACL in front of the API. */
export interface WafConfig {
  /** @default false */
  readonly enabled: boolean;
  /** Requests per source IP per 5 minutes before WAF blocks that IP (100..2000000000).
   * @default 3000 */
  readonly ratePerIp: number;
  /** Add AWS managed rule groups (common rule set, known bad inputs). @default true */
  readonly managedRules: boolean;
}

/** Insider hardening of the keys and the archive (docs/DEPLOY.md "Insider hardening"). */
export interface SecurityConfig {
  /** The break-glass role, the only principal that may disable or delete the KMS keys,
   * delete archive objects, or (with the deploy role) change key and archive policies.
   * @default a role the stack creates (assumable with MFA, no IAM policy) */
  readonly breakGlassRoleArn?: string | undefined;
  /** `cloudformation`: the CloudFormation execution role may also change key and archive
   * policies, so stack updates work. `break-glass-only`: only break-glass may; such
   * updates then fail until break-glass applies them. @default cloudformation */
  readonly policyUpdates: 'cloudformation' | 'break-glass-only';
  /** The CloudFormation execution role. @default the CDK bootstrap's cfn-exec role */
  readonly deployRoleArn?: string | undefined;
  /** Replicate every archive object to an Object Lock bucket in the auditor's account.
   * @default none */
  readonly auditorReplication?:
    | { readonly bucketArn: string; readonly account: string; readonly kmsKeyArn: string }
    | undefined;
}

/** The scheduled fairness review (docs/FAIRNESS.md). */
export interface FairnessReviewConfig {
  /** Decision values counted as positive (ŷ = 1). @default approve, approved, accept, … */
  readonly positiveDecisions: readonly string[];
  /** Outcome values counted as positive (y = 1). @default 1, true, yes, positive, repaid, good */
  readonly positiveOutcomes: readonly string[];
  /** Groups smaller than this get no verdict. @default 30 */
  readonly minGroupSize: number;
  /** One review per use case; empty: one review over every decision. @default [] */
  readonly useCases: readonly string[];
}

/** The browser console on AWS (lib/constructs/console.ts). */
export interface ConsoleConfig {
  /** Serve the console from a private bucket behind CloudFront, the API under `/v1/*` of
   * the same distribution. @default false */
  readonly enabled: boolean;
}

export interface AuditTrailConfig {
  /** Days a record's body is kept, per record kind, before the purge step may remove it
   * (the envelope and hash stay forever). @default see DEFAULT_RETENTION_DAYS */
  readonly retentionDays: Readonly<Record<RecordKind, number>>;
  /** Narrower rules, first match wins: `{kind?, chain?, useCase?, days}` (e.g. a use case
   * whose inference bodies go after 30 days). @default [] */
  readonly retentionOverrides: readonly RetentionOverride[];
  /** Default S3 Object Lock (COMPLIANCE) retention of every archive object, in days.
   * Nobody, the root user included, can delete an object before it ends. @default 2557 (7 years) */
  readonly archiveRetentionDays: number;
  /** EventBridge schedule of the checkpointer. @default rate(5 minutes) */
  readonly checkpointSchedule: string;
  /** EventBridge Scheduler expression of the weekly fairness review (it reviews the last
   * full ISO week). @default cron(0 6 ? * MON *) */
  readonly fairnessReviewSchedule: string;
  /** Attributes the fairness review groups outcomes by. @default see DEFAULT_PROTECTED_ATTRIBUTES */
  readonly protectedAttributes: readonly string[];
  /** What the scheduled fairness review counts as positive, the minimum group size, and the
   * use cases it reviews one by one (none: one review over every decision). */
  readonly fairnessReview: FairnessReviewConfig;
  /** Policy file (JSON or YAML), relative to the CDK app directory; compiled into the
   * processor and guardrail bundles. @default none: the built-in default policy */
  readonly policyFile?: string | undefined;
  /** Lanes per chain key: a hot application spreads over this many chains, `<key>~<lane>`
   * by a hash of the event id (core/events/lanes.ts). One number for every key, or numbers
   * per key prefix (`{"checkout": 8}`; the longest matching prefix wins, others get 1).
   * @default 1 (chains keep their plain names) */
  readonly lanesPerChain: LanesPerChain;
  /** @default { mode: 'on-demand', retentionHours: 168 } */
  readonly stream: StreamConfig;
  /** E-mail subscribed to alarms and policy-violation alerts. @default none */
  readonly alarmEmail?: string | undefined;
  /** Checkpoint origin and signer key name. @default `audit-trail.<stack name in lower case>` */
  readonly logName?: string | undefined;
  /** Witnesses (C2SP tlog-witness) the checkpointer asks to cosign each checkpoint: their
   * URL and cosignature/v1 verifier key. @default none */
  readonly witnesses: readonly { readonly url: string; readonly vkey: string }[];
  /** What `cdk destroy` does with the ledger, archive, keys and logs. `destroy` is for
   * development stacks only; Object Lock still keeps archive objects until they expire.
   * @default retain */
  readonly removalPolicy: 'retain' | 'destroy';
  readonly processor: ProcessorConfig;
  readonly api: ApiConfig;
  /** What a policy's managed detectors and HMAC option need from the deployment. A policy
   * that needs one of them unwired fails synth (lib/policy-wiring.ts). */
  readonly policyWiring: PolicyWiringConfig;
  /** @default { enabled: false } */
  readonly console: ConsoleConfig;
  /** Break-glass role, who may change key and archive policies, auditor replication. */
  readonly security: SecurityConfig;
}

/** The deployment side of a policy's managed detectors and `hmac_key_env`. */
export interface PolicyWiringConfig {
  /** Grant the policy functions `comprehend:DetectPiiEntities` (rules selecting
   * `comprehend-pii`). @default false */
  readonly comprehendPii: boolean;
  /** The Bedrock guardrail rules selecting `bedrock-guardrail` apply. @default none */
  readonly bedrockGuardrail?: { readonly id: string; readonly version: string } | undefined;
  /** Secrets Manager secret (ARN) whose string is the HMAC key the policy's `hmac_key_env`
   * names; CloudFormation resolves it into that variable at deploy. @default none */
  readonly hmacKeySecretArn?: string | undefined;
}

export { DEFAULT_PROTECTED_ATTRIBUTES, DEFAULT_RETENTION_DAYS };

const days = z.number().int().min(1).max(36_500);
const isAttribute = (text: string): boolean => {
  try {
    parseAttribute(text);
    return true;
  } catch {
    return false;
  }
};
const RATE = /^rate\((1 (minute|hour|day)|[1-9]\d* (minutes|hours|days))\)$/;
const CRON = /^cron\(\S+( \S+){5}\)$/;
/** The interval of a `rate(…)` schedule; one day for a `cron(…)` (at most daily runs
 * are assumed by the CheckpointStale alarm). */
export const scheduleInterval = (expression: string): Duration => {
  const match = /^rate\((\d+) (minute|hour|day)s?\)$/.exec(expression);
  if (match === null) return Duration.days(1);
  const n = Number(match[1]);
  return match[2] === 'minute'
    ? Duration.minutes(n)
    : match[2] === 'hour'
      ? Duration.hours(n)
      : Duration.days(n);
};

/** True for an EventBridge schedule expression: `rate(…)` or a 6-field `cron(…)`. */
export const isSchedule = (text: string): boolean => RATE.test(text) || CRON.test(text);
const schedule = z.string().refine(isSchedule, {
  error: 'must be an EventBridge schedule: rate(5 minutes) or cron(0 6 ? * MON *)',
});
const laneCount = z.number().int().min(1).max(MAX_LANES);
const roleArn = z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, {
  error: 'must be an IAM role ARN',
});
const retentionHours = z.number().int().min(24).max(8760).default(168);

const retentionShape = Object.fromEntries(
  RECORD_KINDS.map((kind) => [kind, days.default(DEFAULT_RETENTION_DAYS[kind])]),
) as Record<RecordKind, z.ZodDefault<typeof days>>;

const configSchema = z
  .strictObject({
    retentionDays: z.strictObject(retentionShape).prefault({}),
    retentionOverrides: z
      .array(
        z.strictObject({
          kind: z.enum(RECORD_KINDS).optional(),
          chain: z.string().min(1).optional(),
          useCase: z.string().min(1).optional(),
          days,
        }),
      )
      .default([]),
    archiveRetentionDays: days.default(2557),
    checkpointSchedule: schedule.default('rate(5 minutes)'),
    fairnessReviewSchedule: schedule.default('cron(0 6 ? * MON *)'),
    protectedAttributes: z
      .array(
        z.string().min(1).max(64).refine(isAttribute, {
          error: 'must be a path, optionally with buckets: inputs.age:25,40',
        }),
      )
      .refine((list) => new Set(list).size === list.length, { error: 'must not repeat a name' })
      .default([...DEFAULT_PROTECTED_ATTRIBUTES]),
    fairnessReview: z
      .strictObject({
        positiveDecisions: z
          .array(z.string().min(1))
          .min(1)
          .default([...DEFAULT_POSITIVE_DECISIONS]),
        positiveOutcomes: z
          .array(z.string().min(1))
          .min(1)
          .default([...DEFAULT_POSITIVE_OUTCOMES]),
        minGroupSize: z.number().int().min(1).default(30),
        useCases: z.array(z.string().min(1)).default([]),
      })
      .prefault({}),
    policyFile: z.string().min(1).optional(),
    lanesPerChain: z
      .union([laneCount, z.record(z.string().max(MAX_CHAIN_KEY_LENGTH), laneCount)])
      .default(1),
    stream: z
      .discriminatedUnion('mode', [
        z.strictObject({ mode: z.literal('on-demand'), retentionHours }),
        z.strictObject({
          mode: z.literal('provisioned'),
          shardCount: z.number().int().min(1).max(10_000),
          retentionHours,
        }),
      ])
      .prefault({ mode: 'on-demand' }),
    alarmEmail: z.email().optional(),
    logName: z
      .string()
      .min(1)
      .max(255)
      .regex(/^[^\s+]+$/, { error: 'must hold no spaces and no "+" (C2SP checkpoint origin)' })
      .optional(),
    witnesses: z
      .array(
        z.strictObject({
          url: z.url({ protocol: /^https?$/ }),
          vkey: z.string().regex(/^[^\s+]+\+[0-9a-f]{8}\+[A-Za-z0-9+/=]+$/, {
            error: 'must be a verifier key <name>+<id>+<base64 key>',
          }),
        }),
      )
      .default([]),
    removalPolicy: z.enum(['retain', 'destroy']).default('retain'),
    processor: z
      .strictObject({
        memoryMb: z.number().int().min(128).max(10_240).default(512),
        batchSize: z.number().int().min(1).max(10_000).default(100),
        maxBatchingWindowSeconds: z.number().int().min(0).max(300).default(1),
        retryAttempts: z.number().int().min(0).max(10_000).default(10_000),
        giveUpAfterMinutes: z.number().int().min(1).max(10_080).default(60),
        maxRecordAgeHours: z.number().int().min(1).max(168).default(24),
        reservedConcurrency: z.number().int().min(1).optional(),
      })
      .prefault({}),
    policyWiring: z
      .strictObject({
        comprehendPii: z.boolean().default(false),
        bedrockGuardrail: z
          .strictObject({
            id: z.string().regex(/^[a-z0-9]+$/, { error: 'must be a Bedrock guardrail id' }),
            version: z
              .string()
              .regex(/^(DRAFT|[1-9]\d{0,7})$/)
              .default('DRAFT'),
          })
          .optional(),
        hmacKeySecretArn: z
          .string()
          .regex(/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/, {
            error: 'must be a Secrets Manager secret ARN',
          })
          .optional(),
      })
      .prefault({}),
    api: z
      .strictObject({
        rateLimit: z.number().min(1).default(500),
        burstLimit: z.number().int().min(1).default(1000),
        authorizerCacheSeconds: z.number().int().min(0).max(3600).default(0),
        waf: z
          .strictObject({
            enabled: z.boolean().default(false),
            ratePerIp: z.number().int().min(100).max(2_000_000_000).default(3000),
            managedRules: z.boolean().default(true),
          })
          .prefault({}),
      })
      .prefault({}),
    console: z.strictObject({ enabled: z.boolean().default(false) }).prefault({}),
    security: z
      .strictObject({
        breakGlassRoleArn: roleArn.optional(),
        policyUpdates: z.enum(['cloudformation', 'break-glass-only']).default('cloudformation'),
        deployRoleArn: roleArn.optional(),
        auditorReplication: z
          .strictObject({
            bucketArn: z.string().regex(/^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, {
              error: 'must be an S3 bucket ARN',
            }),
            account: z.string().regex(/^\d{12}$/, { error: 'must be a 12-digit account id' }),
            kmsKeyArn: z.string().regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/.+$/, {
              error: 'must be a KMS key ARN',
            }),
          })
          .optional(),
      })
      .prefault({}),
  })
  .check((ctx) => {
    const { processor, stream, retentionDays, retentionOverrides } = ctx.value;
    // The stream holds raw bodies for its retention: no body may outlive its own there.
    const shortest = Math.min(
      ...Object.values(retentionDays),
      ...retentionOverrides.map((o) => o.days),
    );
    if (stream.retentionHours > shortest * 24) {
      ctx.issues.push({
        code: 'custom',
        input: stream.retentionHours,
        path: ['stream', 'retentionHours'],
        message: `must not exceed the shortest body retention (${shortest} days): the stream keeps raw bodies that long`,
      });
    }
    if (processor.maxRecordAgeHours > stream.retentionHours) {
      ctx.issues.push({
        code: 'custom',
        input: processor.maxRecordAgeHours,
        path: ['processor', 'maxRecordAgeHours'],
        message: `must not exceed stream.retentionHours (${stream.retentionHours})`,
      });
    }
    if (processor.giveUpAfterMinutes >= processor.maxRecordAgeHours * 60) {
      ctx.issues.push({
        code: 'custom',
        input: processor.giveUpAfterMinutes,
        path: ['processor', 'giveUpAfterMinutes'],
        message: `must be below processor.maxRecordAgeHours (${processor.maxRecordAgeHours} h), or the stream gives up first`,
      });
    }
  });

// The schema's output must be the documented interface.
type SchemaMatchesInterface = z.output<typeof configSchema> extends AuditTrailConfig ? true : never;
const schemaMatchesInterface: SchemaMatchesInterface = true;
void schemaMatchesInterface;

/** Validates raw configuration and fills in the defaults. `source` names where it came from. */
export function parseConfig(raw: unknown, source = 'audit trail config'): AuditTrailConfig {
  const result = configSchema.safeParse(raw ?? {});
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const field = issue.path.length > 0 ? issue.path.join('.') : '(root)';
    return `  ${field}: ${issue.message}`;
  });
  throw new AuditTrailConfigError(`invalid ${source}:\n${lines.join('\n')}`);
}

/** Reads a context value that may arrive as an object (cdk.json) or a JSON string (`-c`). */
function contextObject(value: unknown, name: string): Record<string, unknown> {
  if (value === undefined) return {};
  const parsed = typeof value === 'string' ? parseJson(value, `context "${name}"`) : value;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new AuditTrailConfigError(`context "${name}" must be a JSON object`);
  }
  return parsed as Record<string, unknown>;
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new AuditTrailConfigError(`${what} is not valid JSON: ${(error as Error).message}`);
  }
}

/** Anything with `tryGetContext`: a construct node (`app.node`). */
export interface ContextSource {
  tryGetContext(key: string): unknown;
}

/**
 * The config of a CDK app: context `auditTrail` (object or JSON string), overlaid by the
 * JSON file named in context `auditTrailConfigFile` (relative to `cwd`).
 */
export function loadConfig(context: ContextSource, cwd = process.cwd()): AuditTrailConfig {
  const inline = contextObject(context.tryGetContext('auditTrail'), 'auditTrail');
  const file = context.tryGetContext('auditTrailConfigFile');
  if (file === undefined) return parseConfig(inline, 'cdk.json context "auditTrail"');
  if (typeof file !== 'string' || file === '') {
    throw new AuditTrailConfigError('context "auditTrailConfigFile" must be a file path');
  }
  const path = resolve(cwd, file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new AuditTrailConfigError(`cannot read ${path}: ${(error as Error).message}`);
  }
  const fromFile = contextObject(parseJson(text, path), 'auditTrailConfigFile');
  return parseConfig({ ...inline, ...fromFile }, `config (${file} over context "auditTrail")`);
}

/** The checkpoint origin / signer key name: the configured one or one from the stack name. */
export function logNameOf(config: AuditTrailConfig, stackName: string): string {
  return config.logName ?? `audit-trail.${stackName.toLowerCase()}`;
}

/**
 * The policy file as compact JSON, validated by the same loader the Lambdas use (so a bad
 * policy fails `cdk synth`, not the first event), or undefined when none is configured.
 * It is compiled into the processor and guardrail bundles, so its size is not bounded by
 * the 4 KB a Lambda environment holds.
 */
export function readPolicy(config: AuditTrailConfig, cwd = process.cwd()): string | undefined {
  if (config.policyFile === undefined) return undefined;
  const path = resolve(cwd, config.policyFile);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new AuditTrailConfigError(`policyFile: cannot read ${path}: ${(error as Error).message}`);
  }
  try {
    return JSON.stringify(loadPolicy(text, path));
  } catch (error) {
    throw new AuditTrailConfigError(`policyFile: ${(error as Error).message}`);
  }
}
