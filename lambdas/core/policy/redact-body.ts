import { parsePath } from './paths.ts';

/** A detected value and the label that replaces it. */
export interface Replacement {
  readonly value: string;
  readonly label: string;
}

const isAlnum = (c: number): boolean =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/** Whether `text[start, end)` is not part of a longer run of letters and digits (`Li` in
 * `Linux`, nine digits inside a longer number): another token, not a copy of the value. */
export const standsAlone = (text: string, start: number, end: number): boolean =>
  !(isAlnum(text.charCodeAt(start)) && isAlnum(text.charCodeAt(start - 1))) &&
  !(isAlnum(text.charCodeAt(end - 1)) && isAlnum(text.charCodeAt(end)));

/** `s` with every copy of `value` that stands alone replaced by `label`. */
const replaceStandalone = (s: string, { value, label }: Replacement): string => {
  let at = value === '' ? -1 : s.indexOf(value);
  if (at < 0) return s;
  let out = '';
  let from = 0;
  while (at >= 0) {
    if (standsAlone(s, at, at + value.length)) {
      out += s.slice(from, at) + label;
      from = at + value.length;
      at = s.indexOf(value, from);
    } else {
      at = s.indexOf(value, at + 1);
    }
  }
  return out + s.slice(from);
};

const replaceAll = (s: string, replacements: readonly Replacement[]): string =>
  replacements.reduce(replaceStandalone, s);

/**
 * Every string in a JSON value with the replacements applied (a deep copy): values, object
 * keys (`{"jane@example.com": …}`) and numbers whose digits hold a value (a card number sent
 * as a JSON number becomes a string). Keys that become equal are all kept, numbered.
 */
export const replaceDeep = (value: unknown, replacements: readonly Replacement[]): unknown => {
  if (typeof value === 'string') return replaceAll(value, replacements);
  if (typeof value === 'number' && replacements.length > 0) {
    const digits = String(value);
    const replaced = replaceAll(digits, replacements);
    return replaced === digits ? value : replaced;
  }
  if (Array.isArray(value)) return value.map((v) => replaceDeep(v, replacements));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      let key = replacements.length > 0 ? replaceAll(k, replacements) : k;
      if (key !== k)
        for (let n = 2; Object.hasOwn(out, key) || Object.hasOwn(value, key); n++)
          key = `${replaceAll(k, replacements)}#${n}`;
      Object.defineProperty(out, key, {
        value: replaceDeep(v, replacements),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return value;
};

/**
 * A de-identified copy of an event body: each inspected field is set to its redacted text
 * where the body still holds the inspected text at that path, and then every remaining
 * copy of a detected value anywhere in the body (other fields, metadata, echoes) is
 * replaced too, so the value cannot survive in the stored body. A copy inside a longer run
 * of letters or digits is another token and stays, as in the engine's masks. The original is untouched.
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
