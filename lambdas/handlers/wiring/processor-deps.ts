/**
 * The processor's dependencies from the environment, once per cold start: the ledger and
 * archive of aws-deps.ts (the archive also holds bodies too large for a ledger item), the
 * policy of policy.ts, and
 *
 *   ALERTS_BUS              EventBridge bus for PolicyViolation events (required)
 *   ARCHIVE_RETENTION_DAYS  Object Lock COMPLIANCE retention of archive objects (required)
 *   GIVE_UP_AFTER_SECONDS   a record failing on its own this long after intake becomes a
 *                           `rejected` record with its bytes quarantined (required)
 *   BODY_KEYS_TABLE, RETENTION_RULES  layout v2 (body-keys.ts): bodies leave the processor
 *                           only sealed, in DynamoDB items, archive segments and quarantine
 *
 * Every variable is checked at once (a missing one throws here, synchronously); only the
 * sealer's first key read is awaited, by the first batch, with the policy in force: when it
 * differs from the last one recorded, a `policy.change` record goes on the admin chain
 * (once, however many instances start; core/admin/policy-change.ts), found through the
 * pointer item beside the admin chain's meta item rather than by reading the chain.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { dynamoPolicyPointer } from '#adapters/aws/dynamo-policy-pointer.ts';
import { EventBridgeAlerts } from '#adapters/aws/eventbridge-alerts.ts';
import { powertoolsLog } from '#adapters/aws/powertools-log.ts';
import { DEFAULT_TENANT } from '#core/access/roles.ts';
import { ADMIN_CHAIN } from '#core/admin/admin-chain.ts';
import { recordPolicyInForce } from '#core/admin/policy-change.ts';
import { giveUpAfter } from '#core/pipeline/give-up.ts';
import { createBodySealer } from '#core/retention/body-sealer.ts';
import { logger } from '#handlers/observability/logger.ts';
import { tracer } from '#handlers/observability/tracer.ts';
import { systemClock } from '#ports/clock.ts';
import type { ProcessorDeps } from '#ports/pipeline-deps.ts';
import { archiveFromEnv, ledgerFromEnv } from './aws-deps.ts';
import { bodyKeysFromEnv, retentionRulesFromEnv, retryingOnce } from './body-keys.ts';
import { type Env, optional, positiveInt, required, retainFor } from './config.ts';
import { policySourceFromEnv, runtimePolicyFromEnv } from './policy.ts';

export const processorDepsFromEnv = (env: Env): (() => Promise<ProcessorDeps>) => {
  const archive = archiveFromEnv(env);
  const keys = bodyKeysFromEnv(env);
  const rules = retentionRulesFromEnv(env);
  const engine = runtimePolicyFromEnv(env);
  const deps: Omit<ProcessorDeps, 'sealer'> = {
    ledger: ledgerFromEnv(env, archive),
    archive,
    policy: engine,
    alerts: new EventBridgeAlerts({
      client: tracer.captureAWSv3Client(new EventBridgeClient({})),
      busName: required(env, 'ALERTS_BUS'),
    }),
    clock: systemClock,
    log: powertoolsLog(logger),
    retainUntil: retainFor(positiveInt(env, 'ARCHIVE_RETENTION_DAYS')),
    giveUp: giveUpAfter(positiveInt(env, 'GIVE_UP_AFTER_SECONDS'), systemClock),
  };
  const pointer = dynamoPolicyPointer({
    client: tracer.captureAWSv3Client(new DynamoDBClient({})),
    table: required(env, 'LEDGER_TABLE'),
    chain: ADMIN_CHAIN,
  });
  const policy = {
    name: engine.policy.name,
    version: engine.version,
    source: policySourceFromEnv(env),
  };
  const actor = {
    key_id: `aws:${optional(env, 'AWS_LAMBDA_FUNCTION_NAME') ?? 'processor'}`,
    tenant: DEFAULT_TENANT,
  };
  return retryingOnce(async () => {
    await recordPolicyInForce(policy, actor, deps, pointer);
    return { ...deps, sealer: await createBodySealer(rules, keys) };
  });
};
