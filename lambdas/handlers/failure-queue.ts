/** SQS failure queue → read the pointed-at Kinesis range → processBatch (give up at once) →
 * partial batch response. Env: the processor's (wiring/processor-deps.ts). */

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { KinesisRangeReader } from '#adapters/aws/kinesis-range-reader.ts';
import type { EnvelopeOutcome } from '#core/pipeline/outcome.ts';
import { logger } from '#handlers/observability/logger.ts';
import { metrics } from '#handlers/observability/metrics.ts';
import { tracer } from '#handlers/observability/tracer.ts';
import { createFailureQueueConsumer } from '#handlers/wiring/failure-queue.ts';
import { processorDepsFromEnv } from '#handlers/wiring/processor-deps.ts';

const processorDeps = processorDepsFromEnv(process.env);
const reader = new KinesisRangeReader({ client: tracer.captureAWSv3Client(new KinesisClient({})) });

// The processor's deps come from a getter (the sealer's first key read is awaited by the
// first batch), so the consumer is built on the first message.
let built: ReturnType<typeof createFailureQueueConsumer> | undefined;
const consumer = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  built ??= createFailureQueueConsumer({ ...(await processorDeps()), reader }, observe);
  return built(event);
};

function observe(outcomes: readonly EnvelopeOutcome[], lost: number): void {
  for (const status of ['recorded', 'duplicate', 'rejected'] as const) {
    const count = outcomes.filter((o) => o.status === status).length;
    metrics.addMetric(`Redriven_${status}`, MetricUnit.Count, count);
  }
  metrics.addMetric('Redriven_lost', MetricUnit.Count, lost);
}

export const handler = middy(consumer)
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
