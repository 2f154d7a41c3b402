import { parsePath } from './paths.ts';

/** A detected value and the label that replaces it. */
export interface Replacement {
  readonly value: string;
  readonly label: string;
}

const replaceAll = (s: string, replacements: readonly Replacement[]): string =>
  replacements.reduce(
    (acc, r) => (acc.includes(r.value) ? acc.split(r.value).join(r.label) : acc),
    s,
  );

/** Every string in a JSON value with the replacements applied (a deep copy). */
export const replaceDeep = (value: unknown, replacements: readonly Replacement[]): unknown => {
  if (typeof value === 'string') return replaceAll(value, replacements);
  if (Array.isArray(value)) return value.map((v) => replaceDeep(v, replacements));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, replaceDeep(v, replacements)]),
    );
  }
  return value;
};

/**
 * A de-identified copy of an event body: each inspected field is set to its redacted text
 * where the body still holds the inspected text at that path, and then every remaining
 * copy of a detected value anywhere in the body (other fields, metadata, echoes) is
 * replaced too, so the value cannot survive in the stored body. The original is untouched.
 */
export const redactBody = (
  body: unknown,
  redactedFields: ReadonlyMap<string, { readonly original: string; readonly redacted: string }>,
  replacements: readonly Replacement[],
): unknown => {
  const ordered = [...replacements].sort((a, b) => b.value.length - a.value.length);
  const copy = replaceDeep(body, []);
  for (const [field, { original, redacted }] of redactedFields) {
    const path = parsePath(field);
    const key = path.pop();
    let parent: unknown = copy;
    for (const k of path)
      parent =
        parent !== null && typeof parent === 'object'
          ? (parent as Record<string | number, unknown>)[k]
          : undefined;
    if (key !== undefined && parent !== null && typeof parent === 'object') {
      const holder = parent as Record<string | number, unknown>;
      if (holder[key] === original) holder[key] = redacted;
    }
  }
  return replaceDeep(copy, ordered);
};
