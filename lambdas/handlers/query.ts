/** The read routes (permission group `read`): `GET /v1/events/{event_id}`.
 * Env: LEDGER_TABLE (optional LEDGER_CHAINS_INDEX). */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import { powertoolsLog } from '#adapters/aws/powertools-log.ts';
import { lookupEvent } from '#core/api/lookup-event.ts';
import { logger } from '#handlers/observability/logger.ts';
import { tracer } from '#handlers/observability/tracer.ts';
import { ledgerFromEnv } from '#handlers/wiring/aws-deps.ts';
import { createRouteLambda } from '#handlers/wiring/route-lambda.ts';

const ledger = ledgerFromEnv(process.env);

export const handler = middy(
  createRouteLambda(
    { get_event: async (input) => lookupEvent(input.params.event_id, ledger) },
    powertoolsLog(logger),
  ),
)
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger));
