import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { presentedKey as keyFromHeaders } from '#core/events/api-key.ts';
import type { ApiKeyDirectory } from '#ports/api-keys.ts';

/** The presented key by the core's rule (the local server's too), over API Gateway's
 * headers, whose names keep the client's case and whose values may carry spaces. */
export const presentedKey = (
  headers: APIGatewayRequestAuthorizerEvent['headers'],
): string | undefined => {
  const normalised: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value) normalised[name.toLowerCase()] = value.trim();
  }
  return keyFromHeaders(normalised);
};

/**
 * REQUEST authorizer for API key source AUTHORIZER: a valid, enabled key is allowed and
 * handed back as `usageIdentifierKey`, so API Gateway still meters and throttles it by its
 * usage plan. A missing or unknown key throws `Unauthorized`, which API Gateway answers
 * with 401. The key is never logged.
 */
export const createAuthorizer =
  (keys: ApiKeyDirectory) =>
  async (event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
    const key = presentedKey(event.headers);
    if (key === undefined || !(await keys.isEnabled(key))) throw new Error('Unauthorized');
    return {
      principalId: 'api-key',
      usageIdentifierKey: key,
      policyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Action: 'execute-api:Invoke',
            Effect: 'Allow',
            Resource: allResources(event.methodArn),
          },
        ],
      },
    };
  };

/** The authorizer result is cached per key by API Gateway, so it must allow every route of
 * the stage, not only the method that happened to be called first. */
const allResources = (methodArn: string): string => {
  const [arn, stage] = methodArn.split('/');
  return arn && stage ? `${arn}/${stage}/*` : methodArn;
};
