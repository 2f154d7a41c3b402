/** REQUEST authorizer: `Authorization: Bearer <key>` or `x-api-key` → the key's principal
 * and a per-role policy. Env: KEY_TABLE (the DynamoDB key store), optional
 * API_KEY_CACHE_SECONDS (default 300: how long a key, or its absence, is remembered). */

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import middy from '@middy/core';
import { dynamoKeyStore } from '#adapters/aws/dynamo-key-store.ts';
import { cachedKeyLookup } from '#core/access/key-cache.ts';
import { logger } from '#handlers/observability/logger.ts';
import { tracer } from '#handlers/observability/tracer.ts';
import { createAuthorizer } from '#handlers/wiring/api-key-authorizer.ts';
import { nonNegativeInt, required } from '#handlers/wiring/config.ts';

const keys = cachedKeyLookup(
  dynamoKeyStore(
    tracer.captureAWSv3Client(new DynamoDBClient({})),
    required(process.env, 'KEY_TABLE'),
  ),
  { ttlMs: nonNegativeInt(process.env, 'API_KEY_CACHE_SECONDS', 300) * 1000 },
);

export const handler = middy(createAuthorizer(keys)).use(injectLambdaContext(logger));
