/**
 * Layout v2 on AWS: the body-key table and the retention rules, read once at cold start.
 *
 *   BODY_KEYS_TABLE   DynamoDB body-key table (lib/constructs/purge-workflow.ts)
 *   RETENTION_RULES   optional JSON `{retentionDays, retentionOverrides}` from the typed
 *                     config (lib/config.ts); absent: DEFAULT_RETENTION_RULES
 *
 * The processor seals with them; readers (query, fairness review) open bodies with the keys.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoBodyKeys } from '#adapters/aws/dynamo-body-keys.ts';
import { RECORD_KINDS, type RecordKind } from '#core/chain/record.ts';
import {
  DEFAULT_RETENTION_DAYS,
  DEFAULT_RETENTION_RULES,
  type RetentionOverride,
  type RetentionRules,
} from '#core/retention/rules.ts';
import { tracer } from '#handlers/observability/tracer.ts';
import { type Env, InvalidConfigError, optional, required } from './config.ts';

export const bodyKeysFromEnv = (env: Env): DynamoBodyKeys =>
  new DynamoBodyKeys({
    client: tracer.captureAWSv3Client(new DynamoDBClient({})),
    table: required(env, 'BODY_KEYS_TABLE'),
  });

const isDays = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 1;
const isKind = (v: unknown): v is RecordKind =>
  typeof v === 'string' && (RECORD_KINDS as readonly string[]).includes(v);
const optionalText = (v: unknown): boolean =>
  v === undefined || (typeof v === 'string' && v !== '');

/** RETENTION_RULES, checked: a rule the processor cannot apply fails the cold start. */
export const retentionRulesFromEnv = (env: Env): RetentionRules => {
  const text = optional(env, 'RETENTION_RULES');
  if (text === undefined) return DEFAULT_RETENTION_RULES;
  const expected =
    'JSON {retentionDays: {kind: days}, retentionOverrides: [{kind?, chain?, useCase?, days}]}';
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new InvalidConfigError('RETENTION_RULES', expected);
  }
  const r = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const days = (r.retentionDays ?? {}) as Record<string, unknown>;
  const overrides = (r.retentionOverrides ?? []) as unknown[];
  const ok =
    typeof days === 'object' &&
    Object.entries(days).every(([k, v]) => isKind(k) && isDays(v)) &&
    Array.isArray(overrides) &&
    overrides.every((o) => {
      const x = (typeof o === 'object' && o !== null ? o : {}) as Record<string, unknown>;
      return (
        isDays(x.days) &&
        (x.kind === undefined || isKind(x.kind)) &&
        optionalText(x.chain) &&
        optionalText(x.useCase)
      );
    });
  if (!ok) throw new InvalidConfigError('RETENTION_RULES', expected);
  return {
    retentionDays: { ...DEFAULT_RETENTION_DAYS, ...(days as Partial<Record<RecordKind, number>>) },
    retentionOverrides: overrides as RetentionOverride[],
  };
};

/** `make()` once, shared by every caller; a failure (a throttled first read) is not kept:
 * the next call tries again, so a warm Lambda does not fail every later batch. */
export const retryingOnce = <T>(make: () => Promise<T>): (() => Promise<T>) => {
  let made: Promise<T> | undefined;
  return () => {
    made ??= make().catch((error: unknown) => {
      made = undefined;
      throw error;
    });
    return made;
  };
};
