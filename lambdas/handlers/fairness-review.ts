/** Scheduled (EventBridge Scheduler, `fairnessReviewSchedule`): reviews the last full week
 * per configured use case; reports to the archive, `review` records, FairnessReview alerts.
 * Env: LEDGER_TABLE, LEDGER_CHAINS_INDEX, ARCHIVE_BUCKET, ARCHIVE_RETENTION_DAYS, ALERTS_BUS,
 * FAIRNESS_REVIEW (JSON, lambdas/core/fairness/settings.ts). */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import { previousWeek, runFairnessReview } from '#core/fairness/run-review.ts';
import { scheduledReviews } from '#core/fairness/settings.ts';
import { logger } from '#handlers/observability/logger.ts';
import { metrics } from '#handlers/observability/metrics.ts';
import { tracer } from '#handlers/observability/tracer.ts';
import { reviewDepsFromEnv } from '#handlers/wiring/review-deps.ts';

const { deps, settings } = reviewDepsFromEnv(process.env);

export const handler = middy(async () => {
  const window = previousWeek(deps.clock.now());
  const recorded = [];
  for (const options of scheduledReviews(settings, window)) {
    const { recorded: review } = await runFairnessReview(options, deps);
    logger.info('fairness review recorded', { ...review, use_case: options.useCase ?? null });
    recorded.push(review);
  }
  return { window: { from: window.from.toISOString(), to: window.to.toISOString() }, recorded };
})
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
