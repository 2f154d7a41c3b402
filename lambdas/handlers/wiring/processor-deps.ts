/**
 * The processor's dependencies from the environment, once per cold start: the ledger and
 * archive of aws-deps.ts, the policy of policy.ts, and
 *
 *   ALERTS_BUS              EventBridge bus for PolicyViolation events (required)
 *   ARCHIVE_RETENTION_DAYS  Object Lock COMPLIANCE retention of archive objects (required)
 *   BODY_BUCKET             optional bucket for bodies over 256 KB (default ARCHIVE_BUCKET)
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { EventBridgeAlerts } from '#adapters/aws/eventbridge-alerts.ts';
import { powertoolsLog } from '#adapters/aws/powertools-log.ts';
import { S3Archive } from '#adapters/aws/s3-archive.ts';
import type { ProcessorDeps } from '#core/pipeline/deps.ts';
import { logger } from '#handlers/observability/logger.ts';
import { tracer } from '#handlers/observability/tracer.ts';
import { systemClock } from '#ports/clock.ts';
import { archiveFromEnv, ledgerFromEnv, s3 } from './aws-deps.ts';
import { type Env, optional, positiveInt, required, retainFor } from './config.ts';
import { policyFromEnv } from './policy.ts';

export const processorDepsFromEnv = (env: Env): ProcessorDeps => {
  const archive = archiveFromEnv(env);
  const bodyBucket = optional(env, 'BODY_BUCKET');
  const bodies = bodyBucket ? new S3Archive({ client: s3(), bucket: bodyBucket }) : archive;
  return {
    ledger: ledgerFromEnv(env, bodies),
    archive,
    policy: policyFromEnv(env),
    alerts: new EventBridgeAlerts({
      client: tracer.captureAWSv3Client(new EventBridgeClient({})),
      busName: required(env, 'ALERTS_BUS'),
    }),
    clock: systemClock,
    log: powertoolsLog(logger),
    retainUntil: retainFor(positiveInt(env, 'ARCHIVE_RETENTION_DAYS')),
  };
};
