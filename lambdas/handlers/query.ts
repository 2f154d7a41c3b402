/** `GET /v1/events/{event_id}` → the stored record, its layout v2 body opened while its keys
 * exist. Env: LEDGER_TABLE (optional LEDGER_CHAINS_INDEX), BODY_KEYS_TABLE. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import { powertoolsLog } from '#adapters/aws/powertools-log.ts';
import { openRecord } from '#core/retention/open-record.ts';
import { logger } from '#handlers/observability/logger.ts';
import { tracer } from '#handlers/observability/tracer.ts';
import { ledgerFromEnv } from '#handlers/wiring/aws-deps.ts';
import { bodyKeysFromEnv } from '#handlers/wiring/body-keys.ts';
import { createQuery } from '#handlers/wiring/query-api.ts';

const keys = bodyKeysFromEnv(process.env);

export const handler = middy(
  createQuery(ledgerFromEnv(process.env), powertoolsLog(logger), (r) => openRecord(r, keys)),
)
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger));
