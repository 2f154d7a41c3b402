import { describe, expect, it } from 'vitest';
import { OutcomeIndex } from '#core/fairness/outcome-index.ts';

describe('OutcomeIndex', () => {
  it('keeps the latest outcome per decision across chunks, whatever the order added', () => {
    const index = new OutcomeIndex();
    const n = 150_000; // more than two chunks
    for (let i = 0; i < n; i++) index.add(`d-${i}`, 1000, false);
    // Corrections, some older than the first outcome (must not win), some newer.
    for (let i = 0; i < n; i += 7) index.add(`d-${i}`, i % 2 === 0 ? 2000 : 500, true);
    index.add('ghost', 1000, true);
    index.seal();
    expect(index.added).toBe(n + Math.ceil(n / 7) + 1);
    expect(index.decisions).toBe(n + 1);
    expect(index.lookup('d-0')).toBe(true); // 2000 beats 1000
    expect(index.lookup('d-7')).toBe(false); // 500 loses to 1000
    expect(index.lookup('d-1')).toBe(false);
    expect(index.lookup('d-149999')).toBe(false);
    expect(index.lookup('nope')).toBeUndefined();
    expect(index.matched('d-0')).toBe(true);
    expect(index.matched('ghost')).toBe(false);
    expect(index.unmatched()).toBe(n + 1 - 4);
  });

  it('refuses lookups before seal and adds after it', () => {
    const index = new OutcomeIndex();
    expect(() => index.lookup('a')).toThrow(/before seal/);
    index.seal();
    expect(() => index.add('a', 0, true)).toThrow(/after seal/);
  });
});
