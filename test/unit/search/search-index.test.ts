import { describe, expect, it } from 'vitest';
import { SearchIndex } from '#adapters/local/search-index.ts';

/** Adds records with these times (ms) to chain `c`, every one under term `all`. */
const indexOf = (times: readonly number[]): SearchIndex => {
  const index = new SearchIndex();
  times.forEach((ms, seq) => {
    index.add('c', seq, ms, [0], ['all']);
  });
  return index;
};

describe('SearchIndex time windows', () => {
  // Writers append slightly out of time order: 30 arrives after 40.
  const times = [10, 20, 40, 30, 50, 60, 55, 70];

  it.each([
    [undefined, undefined],
    [25, 55],
    [30, 30],
    [56, 100],
    [0, 9],
    [35, 45],
  ])('from %s to %s returns exactly the records in the window, newest first', (from, to) => {
    const index = indexOf(times);
    const page = index.search({
      all: ['all'],
      limit: 100,
      ...(from === undefined ? {} : { fromMs: from }),
      ...(to === undefined ? {} : { toMs: to }),
    });
    const expected = times
      .map((ms, seq) => ({ ms, seq }))
      .filter(({ ms }) => (from === undefined || ms >= from) && (to === undefined || ms <= to))
      .map(({ seq }) => seq)
      .reverse();
    expect(page.hits.map((h) => h.seq)).toEqual(expected);
  });

  it('answers nothing for a term it never saw and pages with a cursor', () => {
    const index = indexOf(times);
    expect(index.search({ all: ['none'], limit: 5 }).hits).toEqual([]);
    const first = index.search({ all: ['all'], limit: 5 });
    const second = index.search({ all: ['all'], limit: 5, cursor: first.cursor as string });
    expect([...first.hits, ...second.hits].map((h) => h.seq)).toEqual([7, 6, 5, 4, 3, 2, 1, 0]);
    expect(second.cursor).toBeUndefined();
  });
});
