/**
 * Handler configuration, read once at cold start from the environment. A missing or
 * malformed variable fails the cold start loudly rather than the first request quietly.
 */

import { AuditTrailError } from '#core/errors.ts';

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

const DAY_MS = 86_400_000;

/** Object Lock retain-until: `days` after the write. */
export const retainFor =
  (days: number) =>
  (now: Date): Date =>
    new Date(now.getTime() + days * DAY_MS);
