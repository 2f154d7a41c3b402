import { ALL_CHAINS, inScope, type Principal } from '#core/access/roles.ts';
import { qualify, unqualify } from '#core/access/tenant.ts';
import { TERM, term } from '#core/search/terms.ts';

/** True when a stored chain belongs to the principal's tenant and falls in its scope. */
export const chainVisible = (principal: Principal, storedChain: string): boolean => {
  const { tenant, name } = unqualify(storedChain);
  return tenant === principal.tenant && inScope(principal, name);
};

/** The index filters that keep a search inside the principal's tenant and chains. */
export const scopeFilter = (
  principal: Principal,
): { tenantTerm: string; chainPrefixes?: readonly string[] } => {
  const tenantTerm = term(TERM.tenant, principal.tenant);
  if (principal.chains.includes(ALL_CHAINS)) return { tenantTerm };
  return { tenantTerm, chainPrefixes: principal.chains.map((p) => qualify(principal.tenant, p)) };
};
