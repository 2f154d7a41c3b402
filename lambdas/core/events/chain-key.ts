import { CHAIN_KEY_PATTERN, MAX_CHAIN_KEY_LENGTH } from '#core/events/schema.ts';

/** The chain key when a payload names no application or system. */
export const DEFAULT_CHAIN_KEY = 'default';

/**
 * Where the chain key comes from, first match wins. The API Gateway mapping template
 * (Kinesis partition key) must follow the same order:
 * `application_id`, `application`, `application_name`, `system`, `metadata.application`,
 * else `default`.
 */
export const CHAIN_KEY_FIELDS: readonly (readonly string[])[] = [
  ['application_id'],
  ['application'],
  ['application_name'],
  ['system'],
  ['metadata', 'application'],
];

/** True for a string the schema accepts as a chain key (≤ 128 printable characters). */
export function isChainKey(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length > 0 &&
    value.length <= MAX_CHAIN_KEY_LENGTH &&
    CHAIN_KEY_PATTERN.test(value)
  );
}

/**
 * The chain key of a payload: the first of `CHAIN_KEY_FIELDS` that holds a valid chain key,
 * else `default`. Total: any input gives a key (the schema has already refused bad ones).
 */
export function chainKeyOf(payload: unknown): string {
  for (const path of CHAIN_KEY_FIELDS) {
    let value: unknown = payload;
    for (const key of path) value = isRecord(value) ? value[key] : undefined;
    if (isChainKey(value)) return value;
  }
  return DEFAULT_CHAIN_KEY;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
