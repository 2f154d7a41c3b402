/** Approvals (permission `approver`): `POST /v1/deployments/{deployment_id}/approvals`
 * appends an `approval` record to the admin chain. Env: see wiring/governance-deps.ts. */
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
  createRouteLambda({ post_approval: answers.post_approval }, powertoolsLog(logger)),
)
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger));
