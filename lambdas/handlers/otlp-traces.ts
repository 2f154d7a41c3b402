/** `POST /v1/traces` (OTLP/HTTP) → GenAI spans as inference events on the stream.
 * Env: EVENT_STREAM (stream name or ARN), LANES_PER_CHAIN (optional: hot keys' lanes). */

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import middy from '@middy/core';
import { KinesisEnvelopes } from '#adapters/aws/kinesis-envelopes.ts';
import { powertoolsLog } from '#adapters/aws/powertools-log.ts';
import { tracesRoute } from '#core/api/otlp-traces.ts';
import { laneSink } from '#core/pipeline/lane-sink.ts';
import { logger } from '#handlers/observability/logger.ts';
import { tracer } from '#handlers/observability/tracer.ts';
import { lanePlanFromEnv, required } from '#handlers/wiring/config.ts';
import { createRouteLambda } from '#handlers/wiring/route-lambda.ts';

const stream = new KinesisEnvelopes({
  client: tracer.captureAWSv3Client(new KinesisClient({})),
  stream: required(process.env, 'EVENT_STREAM'),
});
// All spans of an export or an error (503): PutRecords, not one put per span.
const sink = laneSink(
  { publish: (envelopes: Parameters<typeof stream.putMany>[0]) => stream.putMany(envelopes) },
  lanePlanFromEnv(process.env),
);

export const handler = middy(
  createRouteLambda({ otlp_traces: tracesRoute(sink, true) }, powertoolsLog(logger)),
)
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger));
