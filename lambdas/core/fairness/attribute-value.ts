import type { AttributeSpec } from './options.ts';

/** The group of a decision that does not carry the attribute. */
export const MISSING = '(missing)';
/** The group of a non-numeric value of a bucketed attribute. */
export const NOT_A_NUMBER = '(not a number)';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const at = (root: unknown, path: readonly string[]): unknown => {
  let value = root;
  for (const key of path)
    value = isRecord(value) && Object.hasOwn(value, key) ? value[key] : undefined;
  return value;
};

/** Where a bare attribute name is looked for, first hit wins. */
const BARE_NAME_ROOTS: readonly (readonly string[])[] = [
  ['inputs'],
  ['input'],
  ['metadata'],
  [],
  ['user'],
];

/** The raw value of an attribute in a decision body (undefined when absent or null). */
export const rawAttribute = (body: unknown, path: string): unknown => {
  const parts = path.split('.');
  if (parts.length > 1) return at(body, parts) ?? undefined;
  for (const root of BARE_NAME_ROOTS) {
    const value = at(body, [...root, path]);
    if (value !== undefined && value !== null) return value;
  }
  return undefined;
};

const formatEdge = (n: number): string => String(n);

/** The bucket label of a number: `<e0`, `e0–<e1`, …, `≥en`. */
export const bucketOf = (value: number, edges: readonly number[]): string => {
  const first = edges[0];
  if (first === undefined || value < first) return `<${formatEdge(first ?? 0)}`;
  for (let i = 1; i < edges.length; i++) {
    const edge = edges[i] as number;
    if (value < edge) return `${formatEdge(edges[i - 1] as number)}–<${formatEdge(edge)}`;
  }
  return `≥${formatEdge(edges[edges.length - 1] as number)}`;
};

/** The group a decision falls in for one attribute. */
export const groupOf = (body: unknown, spec: AttributeSpec): string => {
  const value = rawAttribute(body, spec.path);
  if (value === undefined || value === null || value === '') return MISSING;
  if (spec.buckets !== undefined) {
    const n =
      typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
    return Number.isFinite(n) ? bucketOf(n, spec.buckets) : NOT_A_NUMBER;
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
};
