import { describe, expect, it } from 'vitest';
import { RangeList, splitByCover } from '#core/verify/ranges.ts';

describe('RangeList', () => {
  it.each([
    { seqs: [], runs: [] },
    { seqs: [1, 2, 3], runs: [[1, 3]] },
    {
      seqs: [1, 3, 4, 9],
      runs: [
        [1, 1],
        [3, 4],
        [9, 9],
      ],
    },
    { seqs: [2, 2, 3], runs: [[2, 3]] },
  ])('merges $seqs into $runs', ({ seqs, runs }) => {
    // Prepare
    const list = new RangeList();

    // Act
    for (const seq of seqs) list.add(seq);

    // Assess
    expect(list.runs).toEqual(runs);
  });
});

describe('splitByCover', () => {
  it.each([
    { range: [5, 9], covers: [], covered: [], uncovered: [[5, 9]] },
    {
      range: [5, 9],
      covers: [{ from: 0, to: 20, by: 1 }],
      covered: [{ from: 5, to: 9, by: 1 }],
      uncovered: [],
    },
    {
      range: [5, 9],
      covers: [{ from: 7, to: 7, by: 2 }],
      covered: [{ from: 7, to: 7, by: 2 }],
      uncovered: [
        [5, 6],
        [8, 9],
      ],
    },
    {
      range: [0, 10],
      covers: [
        { from: 6, to: 12, by: 3 },
        { from: 0, to: 2, by: 1 },
        { from: 2, to: 4, by: 2 },
      ],
      covered: [
        { from: 0, to: 2, by: 1 },
        { from: 3, to: 4, by: 2 },
        { from: 6, to: 10, by: 3 },
      ],
      uncovered: [[5, 5]],
    },
  ] as const)('splits $range by $covers', ({ range, covers, covered, uncovered }) => {
    // Act
    const result = splitByCover(range, covers);

    // Assess
    expect(result).toEqual({ covered, uncovered });
  });
});
