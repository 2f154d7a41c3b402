/**
 * Field paths and patterns: `output.reason`, `input.messages[0].content`, and patterns
 * with `*` for one name and `[*]` for any index (`input.messages[*].content`, `output.*`).
 */

/** Splits a path into names and indices: `a.b[2].c` → `['a', 'b', 2, 'c']`. */
export const parsePath = (path: string): (string | number)[] => {
  const parts: (string | number)[] = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+|\*)\]/g)) {
    if (m[1] !== undefined) parts.push(m[1]);
    else if (m[2] !== undefined) parts.push(m[2] === '*' ? '*' : Number(m[2]));
  }
  return parts;
};

/** The value at a path in a JSON value, or undefined. */
export const valueAt = (root: unknown, path: string): unknown => {
  let node = root;
  for (const key of parsePath(path)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node;
};

/** The string with every regular-expression metacharacter escaped, to match it literally. */
export const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Compiles a field pattern to a predicate. A pattern matches a field equal to it or below
 * it (`input` matches `input.messages[0].content`); `*` matches one name, `[*]` any index.
 */
export const fieldMatcher = (pattern: string): ((field: string) => boolean) => {
  const source = pattern
    .split(/(\[\*\]|\*)/)
    .map((part) =>
      part === '[*]' ? '\\[\\d+\\]' : part === '*' ? '[^.[\\]]+' : escapeRegExp(part),
    )
    .join('');
  const re = new RegExp(`^${source}(?:$|[.[])`);
  return (field) => re.test(field);
};
