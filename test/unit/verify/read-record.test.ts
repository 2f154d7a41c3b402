import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatRecordLine } from '#core/archive/record-line.ts';
import { sealRecord } from '#core/chain/hash.ts';
import { GENESIS_PREV } from '#core/chain/record.ts';
import { sealBodyWithText } from '#core/retention/body-crypto.ts';
import { chainPartOf, MalformedLine, readRecordLine } from '#core/verify/read-record.ts';
import { sealTestRecord, withoutBody } from '#test/helpers/archive-builder.ts';
import { v2Envelope } from '#test/helpers/v2-envelope.ts';

const record = sealTestRecord('app-1', 3, GENESIS_PREV, {}, { b: 1, a: ['x', { é: 'ü' }] });
const purge = sealTestRecord('app-1', 4, record.hash, {
  kind: 'purge',
  ref: { ranges: [[0, 2]] },
});
const read = (line: string) => {
  const buf = Buffer.from(`junk\n${line}\nmore`);
  return readRecordLine(buf, 5, 5 + Buffer.byteLength(line));
};

describe('readRecordLine', () => {
  it.each([
    { name: 'laid out', line: formatRecordLine(record), body: 'ok' },
    { name: 'plain JSON', line: JSON.stringify(record), body: 'ok' },
    { name: 'laid out, purged', line: formatRecordLine(withoutBody(record)), body: 'absent' },
    { name: 'plain JSON, purged', line: JSON.stringify(withoutBody(record)), body: 'absent' },
    {
      name: 'laid out, body by reference',
      line: formatRecordLine({ ...withoutBody(record), body_ref: { uri: 's3://b/k', size: 9 } }),
      body: 'by_ref',
    },
  ])('reads a $name line', ({ line, body }) => {
    // Act
    const facts = read(line);

    // Assess
    expect(facts).toEqual({
      chain: 'app-1',
      seq: 3,
      prev: GENESIS_PREV,
      hash: record.hash,
      computed: record.hash,
      body,
      purges: undefined,
    });
  });

  it.each([
    {
      name: 'a changed body',
      edit: (l: string) => l.replace('"x"', '"y"'),
      hashOk: true,
      body: 'mismatch',
    },
    {
      name: 'a changed envelope',
      edit: (l: string) => l.replace('"seq":3', '"seq":5'),
      hashOk: false,
      body: 'ok',
    },
    {
      name: 'a changed salt',
      edit: (l: string) => l.replace(/"body_salt":"./, '"body_salt":"Z'),
      hashOk: true,
      body: 'mismatch',
    },
    {
      name: 're-spaced but equal JSON',
      edit: (l: string) => l.replace('"b":1', '"b": 1'),
      hashOk: true,
      body: 'ok',
    },
  ])('falls back to parsing for $name', ({ edit, hashOk, body }) => {
    // Act
    const facts = read(edit(formatRecordLine(record)));

    // Assess
    expect(facts).not.toBeInstanceOf(MalformedLine);
    expect(facts).toMatchObject({ body, hash: record.hash });
    expect(!(facts instanceof MalformedLine) && facts.computed === facts.hash).toBe(hashOk);
  });

  it.each([
    { name: 'met', expect: { seq: 3, prev: GENESIS_PREV } },
    { name: 'not met by seq', expect: { seq: 4, prev: GENESIS_PREV } },
    { name: 'not met by prev', expect: { seq: 3, prev: 'f'.repeat(64) } },
    { name: 'not met by chain', expect: { seq: 3, prev: GENESIS_PREV, chain: 'app-2' } },
  ])('reads the same facts whether an expectation is $name', ({ expect: e }) => {
    // Prepare
    const chain = e.chain ?? 'app-1';
    const expectation = { chain, seq: e.seq, prev: e.prev, chainPart: chainPartOf(chain) };
    const line = formatRecordLine(record);

    // Act
    const facts = readRecordLine(Buffer.from(line), 0, Buffer.byteLength(line), expectation);

    // Assess
    expect(facts).toEqual(read(line));
    expect(facts).toMatchObject({ chain: 'app-1', seq: 3, prev: GENESIS_PREV, body: 'ok' });
  });

  it('reads the ranges of a purge record', () => {
    // Act
    const facts = read(formatRecordLine(purge));

    // Assess
    expect(facts).toMatchObject({ seq: 4, purges: [[0, 2]] });
  });

  it.each([
    { name: 'an empty line', line: '', reason: 'empty line', seq: undefined },
    {
      name: 'cut JSON',
      line: formatRecordLine(record).slice(0, -5),
      reason: 'not valid JSON',
      seq: 3,
    },
    { name: 'an array', line: '[1,2]', reason: 'not a JSON object', seq: undefined },
    { name: 'a missing chain', line: '{"seq":2}', reason: 'chain is not a string', seq: 2 },
    {
      name: 'a negative seq',
      line: '{"chain":"a","seq":-1}',
      reason: 'seq is not a non-negative integer',
      seq: undefined,
    },
  ])('reports $name as malformed', ({ line, reason, seq }) => {
    // Act
    const facts = read(line);

    // Assess
    expect(facts).toEqual(new MalformedLine(reason, seq));
  });

  describe('layout v2 lines', () => {
    const [p, k] = [randomBytes(32), randomBytes(32)];
    const sealed = sealRecord(
      v2Envelope('app-1'),
      { user: { id: 'u-1' }, text: 'hello "quoted" \\ ü' },
      undefined,
      (text, salt, bodyHash) =>
        sealBodyWithText(
          p,
          k,
          { chain: 'app-1', seq: 3, body_hash: bodyHash },
          'r/2026-01-01',
          `u:${'ab'.repeat(20)}`,
          salt,
          text,
        ),
    );
    const line = formatRecordLine(sealed);
    const expected = {
      chain: 'app-1',
      seq: 3,
      prev: GENESIS_PREV,
      hash: sealed.hash,
      computed: sealed.hash,
      body: 'sealed',
      purges: undefined,
    };
    afterEach(() => vi.restoreAllMocks());

    it('reads the sealer’s tail without parsing it: the facts the whole line gives', () => {
      // Prepare: every JSON.parse call's text
      const parsed: string[] = [];
      const parse = JSON.parse;
      vi.spyOn(JSON, 'parse').mockImplementation((text: string, reviver) => {
        parsed.push(text);
        return parse(text, reviver);
      });

      // Act
      const fast = read(line);
      const slow = read(line.replace('"v":2}}', '"v":2 }}')); // valid JSON the sealer never writes

      // Assess
      expect(fast).toEqual(expected);
      expect(slow).toEqual(expected);
      expect(parsed.filter((text) => text.includes('body_enc'))).toHaveLength(1); // the slow one
    });

    it.each([
      ['a changed envelope', (l: string) => l.replace('"seq":3', '"seq":5'), 5, false],
      // A member after body_enc is the envelope's: the hash covers it
      ['a member after body_enc', (l: string) => l.replace('"v":2}}', '"v":2},"x":1}'), 3, false],
      ['a changed version', (l: string) => l.replace('"v":2}}', '"v":3}}'), 3, true],
    ])('reads %s as the whole line says', (_, edit, seq, hashOk) => {
      // Act
      const facts = read(edit(line));

      // Assess
      const { computed, ...rest } = facts as typeof expected;
      expect(rest).toEqual({ ...expected, seq, computed: undefined });
      expect(computed === sealed.hash).toBe(hashOk);
    });
  });
});
