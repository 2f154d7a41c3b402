import type { OtlpAnyValue, OtlpKeyValue } from './otlp-types.ts';

/** An OTLP AnyValue as plain JSON (64-bit integers as numbers when they are safe). */
export const anyValue = (value: OtlpAnyValue | undefined): unknown => {
  if (value === undefined || value === null) return null;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) {
    const n = Number(value.intValue);
    return Number.isSafeInteger(n) ? n : String(value.intValue);
  }
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.arrayValue !== undefined) return (value.arrayValue.values ?? []).map(anyValue);
  if (value.kvlistValue !== undefined) return attributesOf(value.kvlistValue.values);
  if (value.bytesValue !== undefined) return value.bytesValue;
  return null;
};

/** Key-value attributes as one object (a repeated key keeps its last value). */
export const attributesOf = (
  list: readonly OtlpKeyValue[] | undefined,
): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const { key, value } of list ?? []) {
    if (typeof key === 'string' && key !== '__proto__') out[key] = anyValue(value);
  }
  return out;
};

/** Nanoseconds since the epoch (string or number) as ISO 8601, when set. */
export const isoFromNanos = (nanos: string | number | undefined): string | undefined => {
  if (nanos === undefined || nanos === '' || nanos === 0 || nanos === '0') return undefined;
  try {
    const ms = Number(BigInt(nanos) / 1_000_000n);
    return new Date(ms).toISOString();
  } catch {
    return undefined;
  }
};

/** Span duration in milliseconds (three decimals), when both ends are set. */
export const durationMs = (
  start: string | number | undefined,
  end: string | number | undefined,
): number | undefined => {
  try {
    if (start === undefined || end === undefined) return undefined;
    const micros = (BigInt(end) - BigInt(start)) / 1_000n;
    return micros < 0n ? undefined : Number(micros) / 1000;
  } catch {
    return undefined;
  }
};
