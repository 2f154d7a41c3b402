/** The evidence package (permission `audit_reports`): `GET /v1/reports/evidence` reads the
 * archive (opening layout v2 bodies with the body keys) and verifies the period's chains,
 * naming the `audit-trail verify s3://…` command that reproduces it. Env: ARCHIVE_BUCKET,
 * ARCHIVE_PREFIX?, BODY_KEYS_TABLE. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import { powertoolsLog } from '#adapters/aws/powertools-log.ts';
import { evidenceRouteAnswers } from '#core/report/evidence-api.ts';
import { logger } from '#handlers/observability/logger.ts';
import { tracer } from '#handlers/observability/tracer.ts';
import { evidenceDepsFromEnv } from '#handlers/wiring/evidence-deps.ts';
import { createRouteLambda } from '#handlers/wiring/route-lambda.ts';

export const handler = middy(
  createRouteLambda(evidenceRouteAnswers(evidenceDepsFromEnv(process.env)), powertoolsLog(logger)),
)
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger));
