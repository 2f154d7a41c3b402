/** `POST /v1/guardrails/evaluate` → policy answer, evaluated call put on the stream.
 * Env: POLICY (as the processor's: the guardrail answers with the policy it records),
 * EVENT_STREAM (stream name or ARN), LANES_PER_CHAIN (optional), plus the policy's HMAC key / Bedrock variables. */

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import middy from '@middy/core';
import { KinesisEnvelopes } from '#adapters/aws/kinesis-envelopes.ts';
import { powertoolsLog } from '#adapters/aws/powertools-log.ts';
import { guardrailRoute } from '#core/api/guardrail.ts';
import { laneSink } from '#core/pipeline/lane-sink.ts';
import { callGuardrail } from '#core/policy/guardrail-call.ts';
import { logger } from '#handlers/observability/logger.ts';
import { tracer } from '#handlers/observability/tracer.ts';
import { lanePlanFromEnv, required } from '#handlers/wiring/config.ts';
import { runtimePolicyFromEnv } from '#handlers/wiring/policy.ts';
import { createRouteLambda } from '#handlers/wiring/route-lambda.ts';

const engine = runtimePolicyFromEnv(process.env);
const stream = new KinesisEnvelopes({
  client: tracer.captureAWSv3Client(new KinesisClient({})),
  stream: required(process.env, 'EVENT_STREAM'),
});
const evaluate = (payload: unknown, request: Parameters<typeof callGuardrail>[1]) =>
  callGuardrail(payload, request, engine);

export const handler = middy(
  createRouteLambda(
    { guardrail: guardrailRoute(evaluate, laneSink(stream, lanePlanFromEnv(process.env))) },
    powertoolsLog(logger),
  ),
)
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger));
