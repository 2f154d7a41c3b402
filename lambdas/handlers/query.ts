/** The read routes (permission `read_events`): one event, search, a subject's records and
 * export, the review queue. Env: see wiring/query-deps.ts. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import { powertoolsLog } from '#adapters/aws/powertools-log.ts';
import { queryRouteAnswers } from '#core/api/query-routes.ts';
import { logger } from '#handlers/observability/logger.ts';
import { tracer } from '#handlers/observability/tracer.ts';
import { queryDepsFromEnv } from '#handlers/wiring/query-deps.ts';
import { createRouteLambda } from '#handlers/wiring/route-lambda.ts';

const answers = queryRouteAnswers(queryDepsFromEnv(process.env));

export const handler = middy(
  createRouteLambda(
    {
      get_event: answers.get_event,
      search_events: answers.search_events,
      subject_events: answers.subject_events,
      list_reviews: answers.list_reviews,
      get_review: answers.get_review,
    },
    powertoolsLog(logger),
  ),
)
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger));
