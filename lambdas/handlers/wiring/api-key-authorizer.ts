import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { keyDigest, principalOf } from '#core/access/keys.ts';
import { principalContext } from '#core/access/principal-context.ts';
import { invokePolicy } from '#core/access/route-policy.ts';
import { presentedKey as keyFromHeaders } from '#core/events/api-key.ts';
import type { KeyStore } from '#ports/key-store.ts';

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
 * REQUEST authorizer over the key store (`audit-trail keys --table`): the presented key is
 * looked up by its SHA-256 digest (one GetItem, cached by the caller), and a known,
 * unrevoked key gets its principal as the context ({key_id, tenant, role, chains}: the
 * mapping templates stamp the submitter from it, Lambda routes read it) and a policy that
 * allows exactly the routes its role may call (core/access/route-policy.ts), so API
 * Gateway answers 403 to the rest before any backend runs. A missing, unknown or revoked
 * key throws `Unauthorized` (401). The key is never logged.
 */
export const createAuthorizer =
  (keys: Pick<KeyStore, 'findByDigest'>) =>
  async (event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
    const key = presentedKey(event.headers);
    const stored = key === undefined ? undefined : await keys.findByDigest(keyDigest(key));
    if (stored === undefined || stored.revoked_at !== undefined) throw new Error('Unauthorized');
    const principal = principalOf(stored);
    return {
      principalId: principal.key_id,
      context: { ...principalContext(principal) },
      policyDocument: {
        Version: '2012-10-17',
        Statement: invokePolicy(principal, event.methodArn),
      },
    };
  };
