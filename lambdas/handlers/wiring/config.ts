/**
 * Handler configuration, read once at cold start from the environment. A missing or
 * malformed variable fails the cold start loudly rather than the first request quietly.
 */

import { AuditTrailError } from '#core/errors.ts';
import { LANES_ENV, type LanePlan, type LanesPerChain, lanePlan } from '#core/events/lanes.ts';

export type Env = Readonly<Record<string, string | undefined>>;

/** Raised at cold start when a required variable is absent or empty. */
export class MissingConfigError extends AuditTrailError {
  readonly code = 'missing_config';
  override readonly name = 'MissingConfigError';
  readonly variable: string;
  constructor(variable: string) {
    super(`environment variable ${variable} is required`);
    this.variable = variable;
  }
}

/** Raised at cold start when a variable is present but unusable. */
export class InvalidConfigError extends AuditTrailError {
  readonly code = 'invalid_config';
  override readonly name = 'InvalidConfigError';
  readonly variable: string;
  readonly expected: string;
  constructor(variable: string, expected: string) {
    super(`environment variable ${variable} must be ${expected}`);
    this.variable = variable;
    this.expected = expected;
  }
}

/** The value of a required variable. */
export const required = (env: Env, name: string): string => {
  const value = env[name];
  if (value === undefined || value.trim() === '') throw new MissingConfigError(name);
  return value;
};

/** The value of an optional variable; undefined when absent or empty. */
export const optional = (env: Env, name: string): string | undefined => {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value;
};

/** A required positive integer (e.g. ARCHIVE_RETENTION_DAYS). */
export const positiveInt = (env: Env, name: string): number => {
  const text = required(env, name);
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new InvalidConfigError(name, 'a positive integer');
  }
  return value;
};

/** An optional whole number ≥ 0 (e.g. API_KEY_CACHE_SECONDS), `fallback` when absent; any
 * other value fails the cold start rather than silently becoming NaN or a fraction. */
export const nonNegativeInt = (env: Env, name: string, fallback: number): number => {
  const text = optional(env, name);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(value)) {
    throw new InvalidConfigError(name, 'a whole number ≥ 0');
  }
  return value;
};

const DAY_MS = 86_400_000;

/** Object Lock retain-until: `days` after the write. */
export const retainFor =
  (days: number) =>
  (now: Date): Date =>
    new Date(now.getTime() + days * DAY_MS);

/** The lane plan of LANES_PER_CHAIN (JSON: a number or `{prefix: lanes}`); none when absent. */
export const lanePlanFromEnv = (env: Env): LanePlan => {
  const text = optional(env, LANES_ENV);
  if (text === undefined) return [];
  try {
    return lanePlan(JSON.parse(text) as LanesPerChain);
  } catch {
    throw new InvalidConfigError(LANES_ENV, 'a lane count 1..64 or {"<prefix>": <count>} (JSON)');
  }
};
