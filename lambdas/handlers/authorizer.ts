/** REQUEST authorizer: `Authorization: Bearer <key>` or `x-api-key` → Allow with
 * usageIdentifierKey. Env: optional API_KEY_CACHE_SECONDS (default 300). */

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import middy from '@middy/core';
import { ApiGatewayKeys } from '#adapters/aws/api-gateway-keys.ts';
import { logger } from '#handlers/observability/logger.ts';
import { tracer } from '#handlers/observability/tracer.ts';
import { createAuthorizer } from '#handlers/wiring/api-key-authorizer.ts';
import { nonNegativeInt } from '#handlers/wiring/config.ts';

const keys = new ApiGatewayKeys({
  client: tracer.captureAWSv3Client(new APIGatewayClient({})),
  ttlSeconds: nonNegativeInt(process.env, 'API_KEY_CACHE_SECONDS', 300),
});

export const handler = middy(createAuthorizer(keys)).use(injectLambdaContext(logger));
