/** The admin chain for auditors and admins (permission `read_admin`): `GET
 * /v1/admin-events` reads the admin chain; it writes nothing. Env: LEDGER_TABLE,
 * ARCHIVE_BUCKET, ARCHIVE_RETENTION_DAYS. */
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
  createRouteLambda({ list_admin_events: answers.list_admin_events }, powertoolsLog(logger)),
)
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger));
