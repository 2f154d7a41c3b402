/** `GET /v1/events/{event_id}` → the stored record. Env: LEDGER_TABLE (optional
 * LEDGER_CHAINS_INDEX). */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import { powertoolsLog } from '#adapters/aws/powertools-log.ts';
import { logger } from '#handlers/observability/logger.ts';
import { tracer } from '#handlers/observability/tracer.ts';
import { ledgerFromEnv } from '#handlers/wiring/aws-deps.ts';
import { createQuery } from '#handlers/wiring/query-api.ts';

export const handler = middy(createQuery(ledgerFromEnv(process.env), powertoolsLog(logger)))
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger));
