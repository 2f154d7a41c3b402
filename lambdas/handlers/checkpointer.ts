/** Scheduled: signs a checkpoint of every chain that grew. Env: LEDGER_TABLE, ARCHIVE_BUCKET,
 * ARCHIVE_RETENTION_DAYS, SIGNING_KEY_ID, LOG_NAME (optional ARCHIVE_PREFIX,
 * LEDGER_CHAINS_INDEX). */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import { archiveLag } from '#core/pipeline/archive-lag.ts';
import { checkpointChains } from '#core/pipeline/checkpoint.ts';
import { logger } from '#handlers/observability/logger.ts';
import { metrics } from '#handlers/observability/metrics.ts';
import { tracer } from '#handlers/observability/tracer.ts';
import { checkpointDepsFromEnv } from '#handlers/wiring/aws-deps.ts';

const deps = checkpointDepsFromEnv(process.env);

export const handler = middy(async () => {
  await checkpointChains(deps);
  // Watched by the CheckpointStale and ArchiveLag alarms (lib/constructs/monitoring.ts).
  metrics.addMetric('CheckpointRuns', MetricUnit.Count, 1);
  const lag = await archiveLag(deps.ledger);
  metrics.addMetric('ArchiveLagRecords', MetricUnit.Count, lag.maxRecords);
  metrics.addMetric('ChainsBehindArchive', MetricUnit.Count, lag.chainsBehind);
})
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
