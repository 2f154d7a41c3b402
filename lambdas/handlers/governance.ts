/** The governance writes (permission `govern_records`): `POST /v1/legal-holds` (a
 * `legal_hold` record, and S3 Object Lock legal holds on the archive objects it covers),
 * `DELETE /v1/legal-holds/{hold_id}` (released the same way) and `POST
 * /v1/erasure-requests` (recorded; the daily purge carries it out). Env: see
 * wiring/governance-deps.ts. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import { powertoolsLog } from '#adapters/aws/powertools-log.ts';
import { governanceWriteAnswers } from '#core/api/governance-routes.ts';
import type { RouteAnswer } from '#core/api/route-input.ts';
import { logger } from '#handlers/observability/logger.ts';
import { tracer } from '#handlers/observability/tracer.ts';
import { governanceDepsFromEnv } from '#handlers/wiring/governance-deps.ts';
import { createRouteLambda } from '#handlers/wiring/route-lambda.ts';

const depsOf = governanceDepsFromEnv(process.env);
const answer =
  (name: keyof ReturnType<typeof governanceWriteAnswers>): RouteAnswer =>
  async (input) =>
    governanceWriteAnswers(await depsOf())[name](input);

export const handler = middy(
  createRouteLambda(
    {
      post_legal_hold: answer('post_legal_hold'),
      delete_legal_hold: answer('delete_legal_hold'),
      post_erasure_request: answer('post_erasure_request'),
    },
    powertoolsLog(logger),
  ),
)
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger));
