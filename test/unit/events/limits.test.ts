import { describe, expect, it } from 'vitest';
import { jsonErrorOffset } from '#core/events/json-syntax.ts';
import {
  checkDepth,
  MAX_BATCH_EVENTS,
  MAX_DEPTH,
  MAX_EVENT_BYTES,
  parseJsonBody,
} from '#core/events/limits.ts';

function nestedArrays(depth: number): unknown {
  let value: unknown = [];
  for (let i = 1; i < depth; i++) value = [value];
  return value;
}

describe('limits', () => {
  it('are the documented values', () => {
    // Assess
    expect({ MAX_EVENT_BYTES, MAX_BATCH_EVENTS, MAX_DEPTH }).toEqual({
      MAX_EVENT_BYTES: 1_048_576,
      MAX_BATCH_EVENTS: 500,
      MAX_DEPTH: 64,
    });
  });
});

describe('checkDepth', () => {
  it.each([
    ['a scalar', 'text', 0, true],
    ['null', null, 0, true],
    ['an empty object at max 1', {}, 1, true],
    ['an empty object at max 0', {}, 0, false],
    ['64 nested arrays', nestedArrays(64), 64, true],
    ['65 nested arrays', nestedArrays(65), 64, false],
    ['objects and arrays mixed', { a: [{ b: [{}] }] }, 5, true],
    ['objects and arrays mixed, one too deep', { a: [{ b: [{}] }] }, 4, false],
    ['a deep branch after a wide one', { wide: [1, 2, 3], deep: nestedArrays(10) }, 10, false],
  ])('%s (max %i) → %s', (_name, value, max, expected) => {
    // Act / Assess
    expect(checkDepth(value, max)).toBe(expected);
  });

  it('handles 100,000 levels without recursion', () => {
    // Prepare
    const deep = nestedArrays(100_000);

    // Act / Assess
    expect(checkDepth(deep)).toBe(false);
  });
});

describe('parseJsonBody', () => {
  it.each([
    ['an object', '{"a":[1,{"b":null}]}', { a: [1, { b: null }] }],
    ['bytes', new TextEncoder().encode('{"é":"ü"}'), { é: 'ü' }],
    ['bytes with a byte order mark', new Uint8Array([0xef, 0xbb, 0xbf, 0x5b, 0x5d]), []],
    ['a string with a byte order mark', '\uFEFF{}', {}],
    ['exactly 64 levels', JSON.stringify(nestedArrays(64)), nestedArrays(64)],
  ])('accepts %s', (_name, body, expected) => {
    // Act
    const result = parseJsonBody(body, MAX_EVENT_BYTES);

    // Assess
    expect(result).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['not JSON at all', 'hello', 'at position 0 (line 1, column 1)'],
    ['a bad literal', '{"a": tru}', 'at position 6'],
    ['a trailing comma', '{"a":1,}', 'unexpected "}" at position 7'],
    ['single quotes', "{'a':1}", 'unexpected "\'" at position 1'],
    ['a leading zero', '{"a": 01}', 'unexpected "1" at position 7'],
    ['text after the value', '{"a":1} x', 'unexpected "x" at position 8'],
    ['an unclosed array', '[1,2', 'unexpected end of input at position 4'],
    ['an empty body', '', 'unexpected end of input at position 0'],
    ['an error on line 3', '{\n  "a": 1,\n  "b" 2\n}', 'at position 18 (line 3, column 7)'],
  ])('answers 400 with the position for %s', (_name, body, where) => {
    // Act
    const result = parseJsonBody(body, MAX_EVENT_BYTES);

    // Assess
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.status).toBe(400);
      expect(result.problems).toHaveLength(1);
      expect(result.problems[0]?.message).toContain(where);
      expect(result.problems[0]).toMatchObject({ path: '', expected: 'JSON' });
    }
  });

  it.each([
    ['invalid UTF-8', new Uint8Array([0x7b, 0xff, 0x7d]), 'UTF-8'],
    ['65 levels of nesting', JSON.stringify(nestedArrays(65)), 'deeper than 64'],
  ])('answers 400 for %s', (_name, body, message) => {
    // Act
    const result = parseJsonBody(body, MAX_EVENT_BYTES);

    // Assess
    expect(result.ok === false && result.status).toBe(400);
    expect(result.ok === false && result.problems[0]?.message).toContain(message);
  });

  it.each([
    ['a string', `"${'x'.repeat(MAX_EVENT_BYTES - 1)}"`],
    ['bytes', new Uint8Array(MAX_EVENT_BYTES + 1).fill(0x20)],
    ['multi-byte characters under the length limit', `"${'é'.repeat(MAX_EVENT_BYTES / 2)}"`],
  ])('answers 413 over the limit for %s, before parsing', (_name, body) => {
    // Act
    const result = parseJsonBody(body, MAX_EVENT_BYTES);

    // Assess
    expect(result.ok === false && result.status).toBe(413);
    expect(result.ok === false && result.problems[0]?.expected).toBe('at most 1048576 bytes');
  });

  it('accepts a body of exactly the limit', () => {
    // Prepare
    const body = `"${'x'.repeat(MAX_EVENT_BYTES - 2)}"`;

    // Act
    const result = parseJsonBody(body, MAX_EVENT_BYTES);

    // Assess
    expect(result.ok).toBe(true);
  });
});

describe('deeply nested input under the size limit', () => {
  it('1,000,000 unclosed brackets → 400, no crash', () => {
    // Prepare
    const body = '['.repeat(1_000_000);

    // Act
    const result = parseJsonBody(body, MAX_EVENT_BYTES);

    // Assess
    expect(result.ok === false && result.status).toBe(400);
    expect(result.ok === false && result.problems[0]?.message).toContain('position 1000000');
  });

  it('524,288 balanced levels (1 MiB) → 400 for depth, no crash', () => {
    // Prepare
    const half = MAX_EVENT_BYTES / 2;
    const body = '['.repeat(half) + ']'.repeat(half);

    // Act
    const result = parseJsonBody(body, MAX_EVENT_BYTES);

    // Assess
    expect(result.ok === false && result.status).toBe(400);
    expect(result.ok === false && result.problems[0]?.message).toContain('deeper than 64');
  });

  it('locates an error after 100,000 levels without recursion', () => {
    // Prepare
    const body = `${'{"a":'.repeat(100_000)}x`;

    // Act
    const offset = jsonErrorOffset(body);

    // Assess
    expect(offset).toBe(body.length - 1);
  });
});

describe('jsonErrorOffset', () => {
  it.each([
    ['{"a":[1,2.5e3,-0,true,false,null,"\\u00e9\\n"]}', -1],
    ['  [ ]  ', -1],
    ['{}', -1],
    ['"\u0001"', 0],
    ['[1,]', 3],
    ['{"a":1 "b":2}', 7],
    ['{,}', 1],
    ['[}', 1],
    ['{"a"]', 4],
    ['-', 0],
    ['1.', 1],
    ['"\\x"', 0],
  ])('%j → %i', (text, offset) => {
    // Act / Assess
    expect(jsonErrorOffset(text)).toBe(offset);
  });

  it('agrees with JSON.parse on what is valid', () => {
    // Prepare
    const samples = ['[1,[2,[3]]]', '{"a":{"b":{}}}', '[1 2]', '{"a":}', 'nul', '[]]', '0x10'];

    // Act / Assess
    for (const text of samples) {
      let valid = true;
      try {
        JSON.parse(text);
      } catch {
        valid = false;
      }
      expect(jsonErrorOffset(text) === -1, text).toBe(valid);
    }
  });
});
