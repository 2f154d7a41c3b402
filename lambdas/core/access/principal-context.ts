import { isRole, type Principal, TENANT_PATTERN } from './roles.ts';

/** The principal as an API Gateway authorizer context: flat strings only (API Gateway
 * drops nested values), the chain scope as a JSON array. Mapping templates read
 * `$context.authorizer.key_id` / `tenant` / `chains`; Lambda routes read
 * `requestContext.authorizer`. */
export interface PrincipalContext {
  readonly key_id: string;
  readonly tenant: string;
  readonly role: string;
  /** JSON array of chain-key prefixes (`["*"]` for all). */
  readonly chains: string;
}

export const principalContext = (principal: Principal): PrincipalContext => ({
  key_id: principal.key_id,
  tenant: principal.tenant,
  role: principal.role,
  chains: JSON.stringify(principal.chains),
});

/** The principal an authorizer context stands for; undefined when it is not one (a route
 * then refuses: it never guesses a principal). */
export const principalFromContext = (context: unknown): Principal | undefined => {
  if (typeof context !== 'object' || context === null) return undefined;
  const { key_id, tenant, role, chains } = context as Record<string, unknown>;
  if (typeof key_id !== 'string' || key_id === '') return undefined;
  if (typeof tenant !== 'string' || !TENANT_PATTERN.test(tenant)) return undefined;
  if (!isRole(role) || typeof chains !== 'string') return undefined;
  let scope: unknown;
  try {
    scope = JSON.parse(chains);
  } catch {
    return undefined;
  }
  if (
    !Array.isArray(scope) ||
    scope.length === 0 ||
    scope.some((c) => typeof c !== 'string' || c === '')
  ) {
    return undefined;
  }
  return { key_id, tenant, role, chains: scope as string[] };
};
