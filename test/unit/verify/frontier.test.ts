import { describe, expect, it } from 'vitest';
import { leafData } from '#core/chain/hash.ts';
import { leafHash, rootOf } from '#core/chain/merkle.ts';
import { Frontier } from '#core/verify/frontier.ts';
import { decodeHash, decodeHexBytes } from '#core/verify/hex.ts';
import { sealChain } from '#test/helpers/archive-builder.ts';

describe('Frontier', () => {
  it('agrees with the chain core on the root of every tree size up to 70', () => {
    // Prepare
    const records = sealChain('c', 70);
    const frontier = new Frontier();
    const roots: string[] = [frontier.rootHex()];

    // Act
    for (const record of records) {
      frontier.pushLeafData(Buffer.from(record.hash, 'hex'));
      roots.push(frontier.rootHex());
    }

    // Assess
    const leaves = records.map((r) => leafHash(leafData(r)));
    const expected = leaves.map((_, i) => Buffer.from(rootOf(leaves.slice(0, i))).toString('hex'));
    expected.push(Buffer.from(rootOf(leaves)).toString('hex'));
    expect(roots).toEqual(expected);
    expect(frontier.size).toBe(70);
  });

  it('reads leaf data at an offset', () => {
    // Prepare
    const [record] = sealChain('c', 1);
    const hash = Buffer.from(record?.hash ?? '', 'hex');
    const [atStart, atOffset] = [new Frontier(), new Frontier()];

    // Act
    atStart.pushLeafData(hash);
    atOffset.pushLeafData(Buffer.concat([Buffer.alloc(5), hash]), 5);

    // Assess
    expect(atOffset.rootHex()).toBe(atStart.rootHex());
  });
});

describe('hex decoding', () => {
  it.each([
    { hex: 'ab'.repeat(32), ok: true },
    { hex: 'AB'.repeat(32), ok: false },
    { hex: 'ab'.repeat(31), ok: false },
    { hex: `${'ab'.repeat(31)}g0`, ok: false },
    { hex: `${'ab'.repeat(31)}\u0100a`, ok: false },
  ])('decodeHash accepts only 64 lowercase hex digits ($hex)', ({ hex, ok }) => {
    // Prepare
    const out = Buffer.alloc(32);

    // Act
    const decoded = decodeHash(hex, out);

    // Assess
    expect(decoded).toBe(ok);
    if (ok) expect(out.toString('hex')).toBe(hex);
  });

  it.each([
    { text: '00ff7a', ok: true, bytes: '00ff7a' },
    { text: '00fF7a', ok: false, bytes: '' },
    { text: '00f', ok: false, bytes: '' },
  ])('decodeHexBytes decodes $text', ({ text, ok, bytes }) => {
    // Prepare
    const out = Buffer.alloc(3);

    // Act
    const decoded = decodeHexBytes(Buffer.from(text), 0, 3, out, 0);

    // Assess
    expect(decoded).toBe(ok);
    if (ok) expect(out.toString('hex')).toBe(bytes);
  });
});
