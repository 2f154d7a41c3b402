import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { EventBridgeAlerts } from '#adapters/aws/eventbridge-alerts.ts';
import type { ReviewDeps } from '#core/fairness/run-review.ts';
import { parseReviewSettings, type ReviewSettings } from '#core/fairness/settings.ts';
import { tracer } from '#handlers/observability/tracer.ts';
import { systemClock } from '#ports/clock.ts';
import { archiveFromEnv, ledgerFromEnv } from './aws-deps.ts';
import { type Env, positiveInt, required, retainFor } from './config.ts';

/** The scheduled fairness review's dependencies and settings, read once at cold start. */
export const reviewDepsFromEnv = (env: Env): { deps: ReviewDeps; settings: ReviewSettings } => {
  const archive = archiveFromEnv(env);
  return {
    deps: {
      ledger: ledgerFromEnv(env, archive),
      archive,
      alerts: new EventBridgeAlerts({
        client: tracer.captureAWSv3Client(new EventBridgeClient({})),
        busName: required(env, 'ALERTS_BUS'),
      }),
      clock: systemClock,
      retainUntil: retainFor(positiveInt(env, 'ARCHIVE_RETENTION_DAYS')),
    },
    settings: parseReviewSettings(required(env, 'FAIRNESS_REVIEW')),
  };
};
