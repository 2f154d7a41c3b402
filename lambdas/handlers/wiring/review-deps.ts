import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { EventBridgeAlerts } from '#adapters/aws/eventbridge-alerts.ts';
import { ledgerSource } from '#core/fairness/review-source.ts';
import type { ReviewDeps } from '#core/fairness/run-review.ts';
import { parseReviewSettings, type ReviewSettings } from '#core/fairness/settings.ts';
import { openingLedger } from '#core/retention/opening-ledger.ts';
import { tracer } from '#handlers/observability/tracer.ts';
import { systemClock } from '#ports/clock.ts';
import { archiveFromEnv, ledgerFromEnv } from './aws-deps.ts';
import { bodyKeysFromEnv } from './body-keys.ts';
import { type Env, positiveInt, required, retainFor } from './config.ts';

/** The scheduled fairness review's dependencies and settings, read once at cold start. It
 * reads decision bodies opened with the body-key table (BODY_KEYS_TABLE), as the local
 * runtime does; a purged body no longer counts. */
export const reviewDepsFromEnv = (env: Env): { deps: ReviewDeps; settings: ReviewSettings } => {
  const archive = archiveFromEnv(env);
  const ledger = openingLedger(ledgerFromEnv(env, archive), bodyKeysFromEnv(env));
  return {
    deps: {
      ledger,
      source: ledgerSource(ledger),
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
