import type { IntakeEnvelope } from '#core/events/envelope.ts';
import { chainKeyOfEnvelope } from '#core/pipeline/chain-of.ts';
import { forbidden } from '#core/query/errors.ts';
import { inScope, type Principal, RESERVED_CHAIN_PREFIX, submitterOf } from './roles.ts';
import { qualify, unqualify } from './tenant.ts';

/**
 * An envelope as the API accepts it from a principal: its chain must be one the key may
 * write (not the product's own `_…` chains, not a name that reads as another tenant's),
 * and it is stamped with the submitting key, which the processor writes into the hashed
 * envelope. Throws a 403 ApiRefusal otherwise.
 */
export const admitEnvelope = (principal: Principal, envelope: IntakeEnvelope): IntakeEnvelope => {
  const key = chainKeyOfEnvelope(envelope);
  if (key.startsWith(RESERVED_CHAIN_PREFIX)) {
    throw forbidden(`chain ${key} is reserved (names starting with ${RESERVED_CHAIN_PREFIX})`);
  }
  if (unqualify(qualify(principal.tenant, key)).tenant !== principal.tenant) {
    throw forbidden(`chain ${key} names another tenant`);
  }
  if (!inScope(principal, key)) {
    throw forbidden(`this key may not write to chain ${key}`);
  }
  return { ...envelope, submitter: submitterOf(principal) };
};
