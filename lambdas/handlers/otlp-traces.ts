/** `POST /v1/traces` (OTLP/HTTP) → GenAI spans as inference events on the stream.
 * Env: EVENT_STREAM (stream name or ARN). */

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import middy from '@middy/core';
import { KinesisEnvelopes } from '#adapters/aws/kinesis-envelopes.ts';
import { powertoolsLog } from '#adapters/aws/powertools-log.ts';
import { logger } from '#handlers/observability/logger.ts';
import { tracer } from '#handlers/observability/tracer.ts';
import { required } from '#handlers/wiring/config.ts';
import { createOtlpTraces } from '#handlers/wiring/otlp-traces-api.ts';

const stream = new KinesisEnvelopes({
  client: tracer.captureAWSv3Client(new KinesisClient({})),
  stream: required(process.env, 'EVENT_STREAM'),
});

export const handler = middy(createOtlpTraces(stream, powertoolsLog(logger)))
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger));
