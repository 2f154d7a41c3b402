/** The read routes (permission `read_events`): one event, search, a subject's records and
 * export, the review queue; the legal holds and erasure requests, the deployments, the
 * published checkpoint keys and the fairness reports. Env: see wiring/query-deps.ts. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import { powertoolsLog } from '#adapters/aws/powertools-log.ts';
import { adminRouteAnswers } from '#core/api/admin-routes.ts';
import { governanceReadAnswers } from '#core/api/governance-routes.ts';
import { queryRouteAnswers } from '#core/api/query-routes.ts';
import { logger } from '#handlers/observability/logger.ts';
import { tracer } from '#handlers/observability/tracer.ts';
import { adminDepsFromEnv } from '#handlers/wiring/governance-deps.ts';
import { queryDepsFromEnv } from '#handlers/wiring/query-deps.ts';
import { createRouteLambda } from '#handlers/wiring/route-lambda.ts';

const deps = queryDepsFromEnv(process.env);
const { post_review: _write, ...reads } = queryRouteAnswers(deps);

export const handler = middy(
  createRouteLambda(
    {
      ...reads,
      ...governanceReadAnswers(deps),
      list_deployments: adminRouteAnswers(adminDepsFromEnv(process.env)).list_deployments,
    },
    powertoolsLog(logger),
  ),
)
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger));
