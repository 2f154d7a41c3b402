import { APIGatewayClient, GetApiKeysCommand } from '@aws-sdk/client-api-gateway';
import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApiGatewayKeys } from '#adapters/aws/api-gateway-keys.ts';
import { presentedKey } from '#handlers/wiring/api-key-authorizer.ts';
import { lambdaContext } from './context.ts';

// API Gateway's key store has no local implementation: the client is mocked.
const apigw = mockClient(APIGatewayClient);

const KEYS = [
  { id: 'k1', value: 'live-key-0123456789abcdef', enabled: true },
  { id: 'k2', value: 'disabled-key-0123456789ab', enabled: false },
  { id: 'k3', value: 'second-page-key-012345678', enabled: true },
];

beforeEach(() => {
  apigw.reset();
  apigw
    .on(GetApiKeysCommand, { includeValues: true, position: undefined })
    .resolves({ items: KEYS.slice(0, 2), position: 'page-2' })
    .on(GetApiKeysCommand, { includeValues: true, position: 'page-2' })
    .resolves({ items: KEYS.slice(2) });
});

afterEach(() => {
  apigw.reset();
});

const METHOD_ARN = 'arn:aws:execute-api:eu-west-1:111122223333:abc123/prod/POST/v1/audit/events';

const request = (headers: Record<string, string>): APIGatewayRequestAuthorizerEvent =>
  ({
    type: 'REQUEST',
    methodArn: METHOD_ARN,
    resource: '/v1/audit/events',
    path: '/v1/audit/events',
    httpMethod: 'POST',
    headers,
    multiValueHeaders: {},
    pathParameters: {},
    queryStringParameters: {},
    multiValueQueryStringParameters: {},
    stageVariables: {},
    requestContext: {},
  }) as unknown as APIGatewayRequestAuthorizerEvent;

describe('API key authorizer', () => {
  let handler: typeof import('#handlers/authorizer.ts')['handler'];

  beforeAll(async () => {
    process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
    ({ handler } = await import('#handlers/authorizer.ts'));
  });

  it.each([
    ['Authorization: Bearer', { Authorization: 'Bearer live-key-0123456789abcdef' }],
    ['lower-case bearer', { authorization: 'bearer live-key-0123456789abcdef' }],
    ['x-api-key', { 'x-api-key': 'live-key-0123456789abcdef' }],
    ['X-API-Key on the second page of keys', { 'X-API-Key': 'second-page-key-012345678' }],
  ])('allows a valid key in %s with the key as usage identifier', async (_, headers) => {
    // Act
    const result = await handler(request(headers), lambdaContext('authorizer'));

    // Assess
    const key = Object.values(headers)[0]?.replace(/^bearer /i, '');
    expect(result).toEqual({
      principalId: 'api-key',
      usageIdentifierKey: key,
      policyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Action: 'execute-api:Invoke',
            Effect: 'Allow',
            Resource: 'arn:aws:execute-api:eu-west-1:111122223333:abc123/prod/*',
          },
        ],
      },
    });
  });

  it.each([
    ['no key', {}],
    ['an unknown key', { 'x-api-key': 'guessed-key-0000000000000' }],
    ['a disabled key', { Authorization: 'Bearer disabled-key-0123456789ab' }],
    ['a Basic credential', { Authorization: 'Basic bGl2ZS1rZXk=' }],
    ['an empty bearer', { Authorization: 'Bearer ' }],
  ])('answers Unauthorized (401) for %s', async (_, headers) => {
    // Act
    const attempt = handler(request(headers), lambdaContext('authorizer'));

    // Assess
    await expect(attempt).rejects.toThrow(/^Unauthorized$/);
  });
});

describe('ApiGatewayKeys', () => {
  it('caches the enabled keys and reloads after the TTL, or early for an unknown key', async () => {
    // Prepare
    let now = 0;
    const keys = new ApiGatewayKeys({
      client: new APIGatewayClient({ region: 'eu-west-1' }),
      ttlSeconds: 300,
      missRefreshSeconds: 10,
      now: () => now,
    });
    const calls = () => apigw.commandCalls(GetApiKeysCommand).length;

    // Act + Assess
    expect(await keys.isEnabled('live-key-0123456789abcdef')).toBe(true);
    expect(calls()).toBe(2);
    expect(await keys.isEnabled('live-key-0123456789abcdef')).toBe(true);
    expect(await keys.isEnabled('nope')).toBe(false);
    expect(calls()).toBe(2);
    now = 11_000;
    expect(await keys.isEnabled('nope')).toBe(false);
    expect(calls()).toBe(4);
    expect(await keys.isEnabled('nope')).toBe(false);
    expect(calls()).toBe(4);
    now = 400_000;
    expect(await keys.isEnabled('second-page-key-012345678')).toBe(true);
    expect(calls()).toBe(6);
  });

  it('shares one reload between concurrent requests', async () => {
    // Prepare
    const keys = new ApiGatewayKeys({ client: new APIGatewayClient({ region: 'eu-west-1' }) });

    // Act
    const results = await Promise.all(
      [...Array(5)].map(() => keys.isEnabled('live-key-0123456789abcdef')),
    );

    // Assess
    expect(results).toEqual([true, true, true, true, true]);
    expect(apigw.commandCalls(GetApiKeysCommand)).toHaveLength(2);
  });
});

describe('presentedKey', () => {
  it.each([
    [{ Authorization: 'Bearer abc' }, 'abc'],
    [{ 'x-api-key': ' abc ' }, 'abc'],
    [{ Authorization: 'Token abc', 'x-api-key': 'def' }, 'def'],
    [{ Authorization: 'Bearer' }, undefined],
    [{}, undefined],
  ])('%j → %s', (headers, expected) => {
    expect(presentedKey(headers)).toBe(expected);
  });
});
