/**
 * What a policy needs from the deployment, checked at synth: a rule selecting a managed
 * detector (`comprehend-pii`, `bedrock-guardrail`) or an `hmac_key_env` option the stack
 * does not wire would fail every event at run time (and, on AWS, send all traffic to the
 * failure queue), so synth refuses it with an error naming what to configure. Wired ones
 * become environment variables and least-privilege grants on the functions that evaluate
 * the policy (processor, failure-queue consumer, guardrail).
 */
import { SecretValue, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { loadPolicy } from '#core/policy/load-policy.ts';
import type { Policy } from '#core/policy/schema.ts';
import { type AuditTrailConfig, AuditTrailConfigError } from './config.ts';
import { acknowledgeRule } from './nag.ts';

const selects = (policy: Policy, detector: string): boolean =>
  policy.rules.some((rule) => rule.enabled && rule.detector === detector);

/** The problems of a policy (JSON as readPolicy answers it) against the configured wiring. */
export const policyWiringProblems = (policyJson: string, config: AuditTrailConfig): string[] => {
  const policy = loadPolicy(policyJson, 'policyFile');
  const wiring = config.policyWiring;
  const problems: string[] = [];
  if (selects(policy, 'comprehend-pii') && !wiring.comprehendPii) {
    problems.push(
      'a rule selects comprehend-pii: set policyWiring.comprehendPii to true (grants comprehend:DetectPiiEntities)',
    );
  }
  if (selects(policy, 'bedrock-guardrail') && wiring.bedrockGuardrail === undefined) {
    problems.push(
      'a rule selects bedrock-guardrail: set policyWiring.bedrockGuardrail.id (and version)',
    );
  }
  const hmacEnv = policy.options.hmac_key_env;
  if (hmacEnv !== undefined && wiring.hmacKeySecretArn === undefined) {
    problems.push(
      `options.hmac_key_env names ${hmacEnv}: set policyWiring.hmacKeySecretArn to the Secrets Manager secret holding the key`,
    );
  }
  return problems;
};

/** Throws AuditTrailConfigError listing every unwired need of the policy. */
export const checkPolicyWiring = (policyJson: string, config: AuditTrailConfig): void => {
  const problems = policyWiringProblems(policyJson, config);
  if (problems.length > 0) {
    throw new AuditTrailConfigError(
      `policyFile needs what the stack does not wire:\n${problems.map((p) => `  ${p}`).join('\n')}`,
    );
  }
};

/** Gives `fn` the environment and permissions the policy's wired needs take. */
export const wirePolicy = (
  fn: lambda.Function,
  policyJson: string,
  config: AuditTrailConfig,
): void => {
  const policy = loadPolicy(policyJson, 'policyFile');
  const wiring = config.policyWiring;
  if (selects(policy, 'comprehend-pii') && wiring.comprehendPii) {
    fn.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['comprehend:DetectPiiEntities'], resources: ['*'] }),
    );
    if (fn.role) {
      acknowledgeRule(
        fn.role,
        'AwsSolutions-IAM5[Resource::*]',
        'X-Ray PutTraceSegments/PutTelemetryRecords and comprehend:DetectPiiEntities support no resource-level permissions; every other grant is scoped to its resource.',
      );
    }
  }
  const guardrail = wiring.bedrockGuardrail;
  if (selects(policy, 'bedrock-guardrail') && guardrail !== undefined) {
    fn.addEnvironment('BEDROCK_GUARDRAIL_ID', guardrail.id);
    fn.addEnvironment('BEDROCK_GUARDRAIL_VERSION', guardrail.version);
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['bedrock:ApplyGuardrail'],
        resources: [
          Stack.of(fn).formatArn({
            service: 'bedrock',
            resource: 'guardrail',
            resourceName: guardrail.id,
          }),
        ],
      }),
    );
  }
  const hmacEnv = policy.options.hmac_key_env;
  if (hmacEnv !== undefined && wiring.hmacKeySecretArn !== undefined) {
    // A dynamic reference: CloudFormation resolves it at deploy; the template holds no key.
    fn.addEnvironment(hmacEnv, SecretValue.secretsManager(wiring.hmacKeySecretArn).unsafeUnwrap());
  }
};
