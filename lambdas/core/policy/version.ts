import { createHash } from 'node:crypto';
import { canonicalJson } from '#core/chain/canonical.ts';
import type { Policy } from './schema.ts';

/** The policy version written into every record: hex SHA-256 of the RFC 8785 canonical
 * JSON of the validated policy (defaults applied), so formatting and key order of the file
 * do not change it and any change of meaning does. */
export const policyVersion = (policy: Policy): string =>
  createHash('sha256').update(canonicalJson(policy)).digest('hex');
