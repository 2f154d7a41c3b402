import { DEFAULT_TENANT } from './roles.ts';

/**
 * Tenants share one ledger but never collide: for every tenant but `default`, chains and
 * event ids are stored qualified as `<tenant>::<name>`, so two tenants may both send
 * `evt_1` to `app`. The default tenant's names stay as they are (existing ledgers keep
 * their chains and ids).
 */
export const TENANT_SEPARATOR = '::';

/** `name` as stored for `tenant`. */
export const qualify = (tenant: string | undefined, name: string): string =>
  tenant === undefined || tenant === DEFAULT_TENANT ? name : `${tenant}${TENANT_SEPARATOR}${name}`;

/** The tenant and unqualified name of a stored chain or event id. */
export const unqualify = (stored: string): { tenant: string; name: string } => {
  const at = stored.indexOf(TENANT_SEPARATOR);
  if (at <= 0 || !/^[a-z0-9][a-z0-9_-]*$/.test(stored.slice(0, at))) {
    return { tenant: DEFAULT_TENANT, name: stored };
  }
  return { tenant: stored.slice(0, at), name: stored.slice(at + TENANT_SEPARATOR.length) };
};
