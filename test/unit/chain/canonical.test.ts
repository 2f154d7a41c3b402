import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import canonicalize from 'canonicalize';
import { describe, expect, it } from 'vitest';
import { CanonicalizationError, canonicalJson } from '#core/chain/canonical.ts';

const VECTORS = join(import.meta.dirname, '../../fixtures/rfc8785');
const vectorNames = readdirSync(join(VECTORS, 'input')).filter((name) => name.endsWith('.json'));

/** Small deterministic PRNG (mulberry32), so a failing case can be replayed. */
const prng = (seed: number): (() => number) => {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

const KEYS = [
  'a',
  'b',
  'B',
  '_',
  'é',
  '€',
  '😂',
  '10',
  '9',
  '1a',
  'z z',
  'key',
  'ključ',
  'toJSONx',
];
const STRINGS = [
  '',
  'plain',
  'quote " and \\ slash',
  'tab\tnew\nline',
  '\u0000\u001f\u007f',
  '€😂',
  '\u2028',
];
const NUMBERS = [
  0,
  -0,
  1,
  -1,
  0.1,
  1e21,
  1e-7,
  123456789.125,
  2 ** 53,
  -5e-324,
  1.7976931348623157e308,
];

/** A random JSON-ish value with unsorted keys, integer-like keys and deep nesting. */
const randomValue = (next: () => number, depth: number): unknown => {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const roll = next();
  if (depth > 4 || roll < 0.4) {
    return pick<unknown>([null, true, false, pick(STRINGS), pick(NUMBERS), next() * 1e6 - 5e5]);
  }
  if (roll < 0.6) {
    return Array.from({ length: Math.floor(next() * 4) }, () => randomValue(next, depth + 1));
  }
  const obj: Record<string, unknown> = {};
  for (let i = Math.floor(next() * 5); i > 0; i--) obj[pick(KEYS)] = randomValue(next, depth + 1);
  return obj;
};

const nest = (levels: number): unknown => {
  let value: unknown = { z: 1, a: [2] };
  for (let i = 0; i < levels; i++) value = i % 2 ? { y: value, b: 0 } : [1, value];
  return value;
};

describe('canonicalJson', () => {
  it('has RFC 8785 vectors to check', () => {
    expect(vectorNames.length).toBeGreaterThanOrEqual(6);
  });

  it.each(vectorNames)('canonicalizes the RFC 8785 vector %s byte for byte', (name) => {
    // Prepare
    const input: unknown = JSON.parse(readFileSync(join(VECTORS, 'input', name), 'utf8'));
    const expected = readFileSync(join(VECTORS, 'output', name));

    // Act
    const actual = Buffer.from(canonicalJson(input), 'utf8');

    // Assess
    expect(actual.equals(expected)).toBe(true);
  });

  it.each([
    ['undefined', undefined],
    ['a function', () => 1],
    ['a symbol', Symbol('s')],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['a nested -Infinity', { a: [Number.NEGATIVE_INFINITY] }],
    ['a BigInt', 10n],
    ['a nested BigInt', { a: 1n }],
    ['a lone surrogate', '\ud800'],
    ['a lone surrogate key', { '\udc00': 1 }],
  ])('throws CanonicalizationError for %s', (_name, value) => {
    expect(() => canonicalJson(value)).toThrow(CanonicalizationError);
  });

  it('throws CanonicalizationError for a cycle', () => {
    // Prepare
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;

    // Act / Assess
    expect(() => canonicalJson(cyclic)).toThrow(CanonicalizationError);
  });

  it.each([
    ['undefined members are omitted', { b: 1, a: undefined }, '{"b":1}'],
    ['undefined array elements are null', [undefined, 1], '[null,1]'],
    ['function members are omitted', { f: () => 1, a: 2 }, '{"a":2}'],
    [
      'keys sort by UTF-16 code unit',
      { '€': 1, '😂': 2, a: 3, A: 4 },
      '{"A":4,"a":3,"€":1,"😂":2}',
    ],
    [
      'integer-like keys sort as strings',
      { 9: 'n', 10: 't', a: 'a' },
      '{"10":"t","9":"n","a":"a"}',
    ],
    ['-0 is 0', -0, '0'],
    ['toJSON is applied', { d: new Date(0) }, '{"d":"1970-01-01T00:00:00.000Z"}'],
    [
      'null prototype objects are plain',
      Object.assign(Object.create(null), { b: 1, a: 2 }),
      '{"a":2,"b":1}',
    ],
    ['deep nesting', nest(70), canonicalize(nest(70))],
  ])('%s', (_name, value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
  });

  it('agrees with the reference implementation on 1,000 random values', () => {
    // Prepare
    const next = prng(8785);
    const values = Array.from({ length: 1000 }, () => randomValue(next, 0));

    // Act
    const mismatches = values.filter((value) => canonicalJson(value) !== canonicalize(value));

    // Assess
    expect(mismatches).toEqual([]);
  });

  it('gives the same text whatever the insertion order, and leaves the input alone', () => {
    // Prepare
    const forward = { a: 1, b: { c: [1, { e: 2, d: 3 }] } };
    const backward = { b: { c: [1, { d: 3, e: 2 }] }, a: 1 };
    const before = JSON.stringify(forward);

    // Act
    const texts = [canonicalJson(forward), canonicalJson(backward)];

    // Assess
    expect(texts).toEqual([
      '{"a":1,"b":{"c":[1,{"d":3,"e":2}]}}',
      '{"a":1,"b":{"c":[1,{"d":3,"e":2}]}}',
    ]);
    expect(JSON.stringify(forward)).toBe(before);
  });
});

describe('canonicalJson and a "__proto__" member', () => {
  it.each([
    ['before other members', '{"__proto__":{"x":2},"a":1}'],
    ['after other members, out of order', '{"a":1,"__proto__":{"x":2}}'],
    ['nested', '{"b":{"z":1,"__proto__":[1]}}'],
  ])('keeps it as a member when it stands %s', (_where, text) => {
    // Prepare: JSON.parse keeps "__proto__" as an own member
    const value = JSON.parse(text) as unknown;
    // Act
    const canonical = canonicalJson(value);
    // Assess
    expect(canonical).toContain('"__proto__":');
    expect(JSON.parse(canonical)).toEqual(value);
  });
});
