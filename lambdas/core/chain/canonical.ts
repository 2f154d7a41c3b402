/**
 * RFC 8785 JSON Canonicalization Scheme (JCS): the one byte form every hash in the chain
 * is taken over.
 *
 * For well-formed JSON data, JCS is exactly what JSON.stringify prints once every object's
 * keys are in UTF-16 code unit order. So plain data takes the native serializer: a walk
 * checks the data and reorders only objects whose keys are out of order (none, for records
 * stored in canonical order). Anything unusual (toJSON, class instances, non-finite
 * numbers, lone surrogates, deep nesting) goes to the `canonicalize` package, the reference
 * implementation. This is about four times faster than the package alone on 1 KB records,
 * and the unit tests check that both agree.
 */

import canonicalize from 'canonicalize';
import { AuditTrailError } from '#core/errors.ts';

/** Raised for values JCS cannot represent: undefined, functions or symbols at the top level,
 * non-finite numbers, BigInt, lone surrogates, cycles. */
export class CanonicalizationError extends AuditTrailError {
  readonly code = 'canonicalization';
  override readonly name = 'CanonicalizationError';
}

/** Thrown inside the fast path to hand the whole value to the reference implementation. */
class Unusual extends AuditTrailError {
  readonly code = 'unusual_value';
}
const unusual = new Unusual();

/** Deeper values are rare; the reference implementation takes them without recursion. */
const MAX_FAST_DEPTH = 64;

const isDigit = (code: number): boolean => code >= 48 && code <= 57;

/**
 * `value` itself when JSON.stringify already prints it in JCS key order, else a copy with
 * reordered objects. Throws `unusual` for whatever JSON.stringify would print differently
 * from JCS.
 */
const ordered = (value: unknown, depth: number): unknown => {
  switch (typeof value) {
    case 'string':
      if (!value.isWellFormed()) throw unusual;
      return value;
    case 'number':
      if (!Number.isFinite(value)) throw unusual;
      return value;
    case 'bigint':
      throw unusual;
    case 'object':
      if (value === null) return value;
      break;
    default:
      return value;
  }
  if (depth > MAX_FAST_DEPTH) throw unusual;
  if (Array.isArray(value)) return orderedArray(value, depth + 1);
  const proto = Object.getPrototypeOf(value);
  if ((proto !== Object.prototype && proto !== null) || 'toJSON' in value) throw unusual;
  return orderedObject(value as Record<string, unknown>, depth + 1);
};

const orderedArray = (items: readonly unknown[], depth: number): unknown[] => {
  let copy: unknown[] | undefined;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    const next = ordered(item, depth);
    if (copy !== undefined) copy.push(next);
    else if (next !== item) copy = [...items.slice(0, i), next];
  }
  return copy ?? (items as unknown[]);
};

/** Sets a member as data: plain assignment of `__proto__` (a legal JSON member name that
 * JSON.parse keeps) would set the prototype and drop the member from the output. Only that
 * name takes the slow path: defineProperty turns objects into slow dictionaries. */
export const setMember = (target: Record<string, unknown>, key: string, value: unknown): void => {
  if (key === '__proto__') {
    Object.defineProperty(target, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    target[key] = value;
  }
};

const orderedObject = (obj: Record<string, unknown>, depth: number): Record<string, unknown> => {
  const keys = Object.keys(obj);
  let inOrder = true;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    if (!key.isWellFormed()) throw unusual;
    if (i > 0 && (keys[i - 1] as string) > key) inOrder = false;
  }
  if (!inOrder) {
    // The default sort compares UTF-16 code units, which is the order JCS requires. Objects
    // list integer-like keys first whatever the insertion order: leave those to the package.
    keys.sort();
    if (keys.some((key) => isDigit(key.charCodeAt(0)))) throw unusual;
  }
  let copy: Record<string, unknown> | undefined = inOrder ? undefined : {};
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const item = obj[key];
    const next = ordered(item, depth);
    if (copy !== undefined) {
      setMember(copy, key, next);
    } else if (next !== item) {
      copy = {};
      for (let j = 0; j < i; j++) setMember(copy, keys[j] as string, obj[keys[j] as string]);
      setMember(copy, key, next);
    }
  }
  return copy ?? obj;
};

const notRepresentable = (detail: string, cause?: unknown): CanonicalizationError =>
  new CanonicalizationError(`not representable in JCS: ${detail}`, { cause });

/**
 * The RFC 8785 canonical JSON text of `value`.
 * Follows JSON where JSON is lenient: undefined, function and symbol members are omitted and
 * such array elements become null. Throws CanonicalizationError where JCS has no form.
 */
export const canonicalJson = (value: unknown): string => {
  let text: string | undefined;
  try {
    text = JSON.stringify(ordered(value, 0));
  } catch (error) {
    if (!(error instanceof Unusual)) throw notRepresentable(String(error), error);
    try {
      text = canonicalize(value);
    } catch (inner) {
      throw notRepresentable(inner instanceof Error ? inner.message : String(inner), inner);
    }
  }
  if (text === undefined) throw notRepresentable(typeof value);
  return text;
};
