import { AuditTrailError } from '#core/errors.ts';
import type { Policy } from './schema.ts';

/** Raised when the policy names an HMAC key variable that is unset or too short. */
export class HmacKeyError extends AuditTrailError {
  readonly code = 'hmac_key';
  override readonly name = 'HmacKeyError';
  readonly variable: string;
  constructor(variable: string) {
    super(
      `policy option hmac_key_env names ${variable}, which must hold a key of at least 32 characters`,
    );
    this.variable = variable;
  }
}

/**
 * The HMAC key for `value_hmac`, read from the variable the policy names (`hmac_key_env`),
 * as UTF-8 bytes. Undefined when the policy names none; throws HmacKeyError when it names
 * one that is missing or shorter than 32 characters, so a misconfiguration fails at start.
 */
export const hmacKeyFromEnv = (
  policy: Policy,
  env: Readonly<Record<string, string | undefined>>,
): Uint8Array | undefined => {
  const variable = policy.options.hmac_key_env;
  if (variable === undefined) return undefined;
  const value = env[variable];
  if (value === undefined || value.length < 32) throw new HmacKeyError(variable);
  return new TextEncoder().encode(value);
};
