import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import { powertoolsLog } from '#adapters/aws/powertools-log.ts';
import type { RouteAnswer } from '#core/api/route-input.ts';
import type { RouteName } from '#core/api/routes.ts';
import { logger } from '#handlers/observability/logger.ts';
import { tracer } from '#handlers/observability/tracer.ts';
import { createRouteLambda } from './route-lambda.ts';

/** A route Lambda's `handler`: its answers on the route mechanism (route-lambda.ts), with
 * the Powertools logger (and its Lambda context) and tracer every route Lambda carries. */
export const routeHandler = (answers: Partial<Record<RouteName, RouteAnswer>>) =>
  middy(createRouteLambda(answers, powertoolsLog(logger)))
    .use(captureLambdaHandler(tracer))
    .use(injectLambdaContext(logger));
