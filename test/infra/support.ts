/** Shared set-up of the infra tests: the app as bin/app.ts builds it, with cdk.json's
 * feature flags, a fixed account/region, and optionally no Lambda bundling (fast). */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { onTestFinished } from 'vitest';
import { AuditTrailStack } from '#lib/audit-trail-stack.ts';
import { parseConfig } from '#lib/config.ts';
import { projectRoot } from '#lib/paths.ts';

const cdkJson = JSON.parse(readFileSync(`${projectRoot}/cdk.json`, 'utf8')) as {
  context: Record<string, unknown>;
};

export const ENV = { account: '123456789012', region: 'us-east-1' } as const;

export interface BuildOptions {
  /** Raw `auditTrail` config. @default {} */
  readonly config?: unknown;
  /** Bundle the Lambdas with esbuild (slow); otherwise CDK skips bundling. @default false */
  readonly bundle?: boolean;
  readonly configDir?: string;
  /**
   * Run CDK's built-in CloudFormation validation at synth (cdk.json makes its errors fail
   * synth). Its wasm engine costs ~20 CPU-seconds per process, so only
   * cfn-validation.test.ts turns it on, for the default and an all-features stack.
   * @default false
   */
  readonly validate?: boolean;
}

/**
 * While a test bundles, CDK's `npx --no-install esbuild` runs the same local esbuild without
 * npm's start-up (test/helpers/npx-esbuild/npx): ~0.6 CPU-s saved per function. The shared
 * workers' set-up (test/helpers/fresh-file.ts) restores PATH after the file.
 */
const bundleWithoutNpm = (): void => {
  const shim = join(projectRoot, 'test/helpers/npx-esbuild');
  process.env.AUDIT_TRAIL_TEST_ESBUILD = join(projectRoot, 'node_modules/.bin/esbuild');
  if (!process.env.PATH?.startsWith(`${shim}${delimiter}`)) {
    process.env.PATH = `${shim}${delimiter}${process.env.PATH ?? ''}`;
  }
};

export function buildStack(options: BuildOptions = {}): { app: App; stack: AuditTrailStack } {
  if (options.bundle) bundleWithoutNpm();
  const app = new App({
    builtinCloudFormationValidation: options.validate ?? false,
    context: {
      ...cdkJson.context,
      ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
    },
  });
  const stack = new AuditTrailStack(app, 'AuditTrail', {
    config: parseConfig(options.config ?? {}),
    env: ENV,
    ...(options.configDir === undefined ? {} : { configDir: options.configDir }),
  });
  return { app, stack };
}

export const templateOf = (stack: AuditTrailStack): Template => Template.fromStack(stack);

/** Every acknowledgement in the tree: construct path, rule id, reason. */
export function acknowledgements(root: IConstruct): { path: string; id: string; reason: string }[] {
  const found: { path: string; id: string; reason: string }[] = [];
  for (const node of root.node.findAll()) {
    for (const entry of node.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, unknown>)) {
        found.push({ path: node.node.path, id, reason: String(reason ?? '') });
      }
    }
  }
  return found;
}

/** Logical ids of the resources of one type. */
export const logicalIds = (template: Template, type: string): string[] =>
  Object.keys(template.findResources(type));

/** A temp dir for the current test, removed when the test finishes. */
export const testDir = (prefix: string): string => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
};

/** An IAM policy statement as the template holds it. */
export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect?: 'Allow' | 'Deny';
  readonly Principal?: unknown;
  readonly Action: string | string[];
  readonly Resource?: unknown;
  // biome-ignore lint/suspicious/noExplicitAny: CloudFormation template JSON
  readonly Condition?: Record<string, Record<string, any>>;
}

/** Every action the statements name. */
export const actionsOf = (statements: readonly PolicyStatement[]): string[] =>
  statements.flatMap((st) => [st.Action].flat());

/** The statements of the IAM policies attached to a function's role, by the function's
 * logical id. */
export function functionStatements(template: Template, functionId: string): PolicyStatement[] {
  const role = template.findResources('AWS::Lambda::Function')[functionId]?.Properties.Role;
  const roleRef = JSON.stringify(role['Fn::GetAtt'][0]);
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(roleRef))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as PolicyStatement[]);
}

/** A policy needing all three managed wirings: Comprehend, a Bedrock guardrail and an HMAC key. */
export const MANAGED_POLICY_YAML = `name: managed
options:
  hmac_key_env: AUDIT_HMAC_KEY
rules:
  - id: pii-comprehend
    name: PII by Comprehend
    detector: comprehend-pii
    action: flag
    severity: high
  - id: guardrail
    name: Bedrock guardrail
    detector: bedrock-guardrail
    action: block
    severity: high
`;

/** The auditor's replication bucket, authorizer caching and the WAF rate rule, all on. */
export const REPLICATION_AND_WAF = {
  security: {
    auditorReplication: {
      bucketArn: 'arn:aws:s3:::auditor-archive',
      account: '210987654321',
      kmsKeyArn: 'arn:aws:kms:us-east-1:210987654321:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    },
  },
  api: { authorizerCacheSeconds: 300, waf: { enabled: true, ratePerIp: 1000 } },
};

/** A weekly fairness review of the loan use case over two protected attributes. */
export const FAIRNESS_REVIEW = {
  fairnessReviewSchedule: 'cron(0 7 ? * TUE *)',
  protectedAttributes: ['gender', 'inputs.age:25,40,60'],
  fairnessReview: {
    positiveDecisions: ['approve'],
    positiveOutcomes: ['repaid'],
    useCases: ['loan'],
  },
};
