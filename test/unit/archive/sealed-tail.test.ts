import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { formatRecordLine, sealedBodyJson } from '#core/archive/record-line.ts';
import { sealedTailAt } from '#core/archive/sealed-tail.ts';
import { sealRecord } from '#core/chain/hash.ts';
import { sealBody } from '#core/retention/body-crypto.ts';
import { v2Envelope } from '#test/helpers/v2-envelope.ts';

const envelope = v2Envelope();
const body = { user: { id: 'u-1' }, text: 'hello "quoted" \\ and ü' };

/** A record line exactly as the sealer and the archiver write it. */
const sealedLine = (): string => {
  const [p, s] = [randomBytes(32), randomBytes(32)];
  const record = sealRecord(envelope, body, undefined, (text, salt, bodyHash) => {
    const sealed = sealBody(
      p,
      s,
      { chain: 'app', seq: 3, body_hash: bodyHash },
      'kind=inference/2026-01-01',
      'a1'.repeat(32),
      salt,
      text,
    );
    return { sealed, text: sealedBodyJson(sealed) };
  });
  return formatRecordLine(record);
};

/** sealedTailAt over `line` placed between other bytes (a segment holds many lines). */
const tailOf = (line: string): number => {
  const buf = Buffer.from(`{"seq":1}\n${line}\n{"seq":2,"hash":"x"}`);
  const start = 10;
  const at = sealedTailAt(buf, start, start + Buffer.byteLength(line));
  return at < 0 ? at : at - start;
};

describe('sealedTailAt', () => {
  it('finds the end of the hash on a sealed line: what precedes it, closed, is the line without body_enc', () => {
    const line = sealedLine();
    const at = tailOf(line);
    expect(at).toBeGreaterThan(0);
    const parsed = JSON.parse(line);
    delete parsed.body_enc;
    expect(JSON.parse(`${line.slice(0, at + 1)}}`)).toEqual(parsed);
  });

  it('leaves any other tail to the general reader', () => {
    const line = sealedLine();
    const plain = formatRecordLine(sealRecord(envelope, body));
    const variants = [
      plain, // layout v1: salt and body
      line.replace('"v":2}}', '"v":2},"hash":"' + 'f'.repeat(64) + '"}'), // a second hash
      line.replace('"v":2}}', '"v":2,"x":1}}'), // a member the sealer does not write
      line.replace('"v":2}}', '"v":3}}'),
      line.replace('"p":"kind=inference', '"p":"kind=inf\\"erence'), // an escape
      line.replace('"p":"kind=inference', '"p":"kind=inf\u0001erence'), // a control byte
      line.replace('"ct":"', '"ct":"é'), // not base64
      line.replace('"iv":"', '"iv":"-'),
      line.replace(/"hash":"[0-9a-f]/, '"hash":"F'), // not lowercase hex
      `${line} `, // bytes after the object
      line.slice(0, -1),
      line.replace('"body_enc":{"ct"', '"body_enc":{"iv":"AAAA","ct"'), // another order
    ];
    for (const variant of variants) {
      expect(variant).not.toBe(line);
      expect(tailOf(variant), variant.slice(-80)).toBe(-1);
    }
  });

  it('looks no further than the line', () => {
    const line = sealedLine();
    const buf = Buffer.from(`${line}\n`);
    expect(sealedTailAt(buf, 0, buf.length - 2)).toBe(-1);
    const envelopeOnly = Buffer.from(`{"seq":1}\n${line}`);
    expect(sealedTailAt(envelopeOnly, 0, 9)).toBe(-1);
  });
});
