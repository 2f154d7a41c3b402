/**
 * The policy engine from the environment, once per cold start:
 *
 *   POLICY                     optional policy (JSON or YAML) overriding the one the stack
 *                              compiled into the bundle; with neither, the built-in default
 *                              policy, as locally
 *   <hmac_key_env>             the HMAC key variable the policy names, if it names one
 *   BEDROCK_GUARDRAIL_ID       required when a rule selects the bedrock-guardrail detector
 *   BEDROCK_GUARDRAIL_VERSION  its version (default DRAFT)
 *
 * A policy that does not load, names a missing HMAC key or selects a managed detector
 * without its configuration fails the cold start (PolicyLoadError, HmacKeyError,
 * MissingConfigError), never the first event.
 */
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { ComprehendClient } from '@aws-sdk/client-comprehend';
import { createBedrockGuardrailDetector } from '#adapters/aws/bedrock-guardrail.ts';
import { createComprehendPiiDetector } from '#adapters/aws/comprehend-pii.ts';
import { createPolicyEngine } from '#core/policy/create-engine.ts';
import { defaultPolicy } from '#core/policy/default-policy.ts';
import { hmacKeyFromEnv } from '#core/policy/hmac-key.ts';
import { loadPolicy } from '#core/policy/load-policy.ts';
import type { Policy } from '#core/policy/schema.ts';
import { tracer } from '#handlers/observability/tracer.ts';
import type { ManagedDetectors } from '#ports/managed-detector.ts';
import type { RuntimePolicyEngine } from '#ports/policy-engine.ts';
import { type Env, optional, required } from './config.ts';

const selects = (policy: Policy, detector: string): boolean =>
  policy.rules.some((rule) => rule.enabled && rule.detector === detector);

/** Managed detectors for the rules that select them, and only those. */
const managedFromEnv = (policy: Policy, env: Env): ManagedDetectors => ({
  ...(selects(policy, 'comprehend-pii')
    ? {
        'comprehend-pii': createComprehendPiiDetector({
          client: tracer.captureAWSv3Client(new ComprehendClient({})),
        }),
      }
    : {}),
  ...(selects(policy, 'bedrock-guardrail')
    ? {
        'bedrock-guardrail': createBedrockGuardrailDetector({
          client: tracer.captureAWSv3Client(new BedrockRuntimeClient({})),
          guardrailId: required(env, 'BEDROCK_GUARDRAIL_ID'),
          guardrailVersion: optional(env, 'BEDROCK_GUARDRAIL_VERSION') ?? 'DRAFT',
        }),
      }
    : {}),
});

/** The stack's policy file, compiled in by esbuild (`define` in lib/constructs/audit-function.ts):
 * the expression must stay spelled exactly like this for the replacement to happen. */
const BUNDLED_POLICY: string | undefined = process.env.AUDIT_TRAIL_POLICY;

/** Where the policy in force comes from, as the `policy.change` record names it. */
export const policySourceFromEnv = (env: Env): string =>
  optional(env, 'POLICY') !== undefined
    ? 'POLICY environment variable'
    : BUNDLED_POLICY !== undefined
      ? 'the stack policyFile'
      : 'the built-in default policy';

/** The configured policy's engine: POLICY, else the bundled policy, else the default one.
 * The processor records with it and the guardrail answers with it. */
export const runtimePolicyFromEnv = (env: Env): RuntimePolicyEngine => {
  const text = optional(env, 'POLICY') ?? BUNDLED_POLICY;
  const policy = text === undefined ? defaultPolicy() : loadPolicy(text, 'POLICY');
  const hmacKey = hmacKeyFromEnv(policy, env);
  return createPolicyEngine(policy, {
    ...(hmacKey === undefined ? {} : { hmacKey }),
    managed: managedFromEnv(policy, env),
  });
};
