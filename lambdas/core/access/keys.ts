import { createHash, randomBytes } from 'node:crypto';
import { AuditTrailError } from '#core/errors.ts';
import { presentedKey, type RequestHeaders } from '#core/events/api-key.ts';
import type { KeyStore, StoredKey } from '#ports/key-store.ts';
import { ALL_CHAINS, DEFAULT_TENANT, type Principal, type Role, TENANT_PATTERN } from './roles.ts';

/** Hex SHA-256 of a key: how keys are stored and looked up. */
export const keyDigest = (key: string): string =>
  createHash('sha256').update(key, 'utf8').digest('hex');

/** A fresh key: 192 random bits, URL-safe, recognisable by its prefix. */
export const generateKey = (): string => `atk_${randomBytes(24).toString('base64url')}`;

/** The key id of the single development key of `audit-trail dev`. */
export const DEV_KEY_ID = 'dev';

/** A key as the caller asks for it. */
export interface KeyRequest {
  readonly role: Role;
  readonly chains?: readonly string[];
  readonly tenant?: string;
  /** Who asks (`local:<os user>` from the CLI), kept for the admin chain. */
  readonly created_by?: string;
}

/** A refused key request (bad tenant or chain list). */
export class InvalidKeyRequestError extends AuditTrailError {
  override readonly name = 'InvalidKeyRequestError';
  readonly code = 'invalid_key_request';
}

/** Creates a key: the key itself (shown once, never stored) and what is stored. */
export const createKey = async (
  request: KeyRequest,
  store: KeyStore,
  now: Date,
): Promise<{ key: string; stored: StoredKey }> => {
  const tenant = request.tenant ?? DEFAULT_TENANT;
  if (!TENANT_PATTERN.test(tenant)) {
    throw new InvalidKeyRequestError(`tenant must match ${TENANT_PATTERN}`);
  }
  const chains = request.chains ?? [ALL_CHAINS];
  if (chains.length === 0 || chains.some((c) => c === '')) {
    throw new InvalidKeyRequestError('name at least one chain prefix, or * for all');
  }
  const key = generateKey();
  const stored: StoredKey = {
    key_id: `key_${randomBytes(6).toString('hex')}`,
    digest: keyDigest(key),
    tenant,
    role: request.role,
    chains: [...chains],
    created_at: now.toISOString(),
    ...(request.created_by === undefined ? {} : { created_by: request.created_by }),
  };
  await store.add(stored);
  return { key, stored };
};

export const principalOf = (stored: StoredKey): Principal => ({
  key_id: stored.key_id,
  tenant: stored.tenant,
  role: stored.role,
  chains: stored.chains,
});

/** The principal a request's key stands for; undefined for no key, an unknown or a
 * revoked one. */
export const authenticate = async (
  headers: RequestHeaders,
  store: Pick<KeyStore, 'findByDigest'>,
): Promise<Principal | undefined> => {
  const key = presentedKey(headers);
  if (key === undefined) return undefined;
  const stored = await store.findByDigest(keyDigest(key));
  if (stored === undefined || stored.revoked_at !== undefined) return undefined;
  return principalOf(stored);
};

/** The development key as an `admin` of the default tenant over every chain. */
export const devKeyEntry = (key: string, createdAt: string): StoredKey => ({
  key_id: DEV_KEY_ID,
  digest: keyDigest(key),
  tenant: DEFAULT_TENANT,
  role: 'admin',
  chains: [ALL_CHAINS],
  created_at: createdAt,
});
