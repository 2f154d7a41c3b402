/** Kinesis → processBatch → partial batch response. Env: see wiring/processor-deps.ts
 * (LEDGER_TABLE, ARCHIVE_BUCKET, ARCHIVE_RETENTION_DAYS, ALERTS_BUS, optional POLICY,
 * ARCHIVE_PREFIX, LEDGER_CHAINS_INDEX). */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import { logger } from '#handlers/observability/logger.ts';
import { metrics } from '#handlers/observability/metrics.ts';
import { tracer } from '#handlers/observability/tracer.ts';
import { createProcessor } from '#handlers/wiring/kinesis-processor.ts';
import { processorDepsFromEnv } from '#handlers/wiring/processor-deps.ts';

const processor = createProcessor(processorDepsFromEnv(process.env), (outcomes) => {
  for (const status of ['recorded', 'duplicate', 'rejected', 'failed'] as const) {
    const count = outcomes.filter((o) => o.status === status).length;
    metrics.addMetric(`Records_${status}`, MetricUnit.Count, count);
  }
});

export const handler = middy(processor)
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
