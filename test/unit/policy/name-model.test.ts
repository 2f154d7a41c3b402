import { describe, expect, it } from 'vitest';
import { isKnownName, nameShape } from '#core/policy/detectors/name-model.ts';

describe('name model', () => {
  it('knows given names and surnames of many languages, in any case and with diacritics', () => {
    for (const name of ['Łukasz', 'SIOBHAN', 'Nguyen', 'Adeyemi', 'müller'])
      expect(isKnownName(name), name).toBe(true);
    expect(isKnownName('Paperwhite')).toBe(false);
  });

  it('scores words no list holds: names above the run threshold, English words below 0', () => {
    for (const name of ['Mokoena', 'Wanjiru', 'Tshepiso', 'Adeyemo'])
      expect(nameShape(name), name).toBeGreaterThanOrEqual(0.5);
    for (const word of ['Observation', 'Compositing', 'Legislature', 'Grizzlies'])
      expect(nameShape(word), word).toBeLessThan(0);
  });

  it('gives words of other scripts or with digits no score', () => {
    expect(nameShape('Дмитрий')).toBe(0);
    expect(nameShape('v2Beta')).toBe(0);
  });
});
