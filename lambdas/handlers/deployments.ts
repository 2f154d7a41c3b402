/** Deployments and gate assessments (permission `deploy`): `POST /v1/deployments` and
 * `POST /v1/assessments` append to the admin chain. Env: see wiring/governance-deps.ts. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import { powertoolsLog } from '#adapters/aws/powertools-log.ts';
import { adminRouteAnswers } from '#core/api/admin-routes.ts';
import { logger } from '#handlers/observability/logger.ts';
import { tracer } from '#handlers/observability/tracer.ts';
import { adminDepsFromEnv } from '#handlers/wiring/governance-deps.ts';
import { createRouteLambda } from '#handlers/wiring/route-lambda.ts';

const answers = adminRouteAnswers(adminDepsFromEnv(process.env));

export const handler = middy(
  createRouteLambda(
    { post_deployment: answers.post_deployment, post_assessment: answers.post_assessment },
    powertoolsLog(logger),
  ),
)
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger));
