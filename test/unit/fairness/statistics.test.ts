import { describe, expect, it } from 'vitest';
import { betweenGroups } from '#core/fairness/between-groups.ts';
import { chiSquare } from '#core/fairness/chi-square.ts';
import { countDecision, emptyCounts, type GroupCounts } from '#core/fairness/counts.ts';
import { demographicParity } from '#core/fairness/demographic-parity.ts';
import { disparateImpact } from '#core/fairness/disparate-impact.ts';
import { equalOpportunity } from '#core/fairness/equal-opportunity.ts';
import { equalizedOdds } from '#core/fairness/equalized-odds.ts';
import { falseNegativeRate } from '#core/fairness/false-negative-rate.ts';
import { falsePositiveRate } from '#core/fairness/false-positive-rate.ts';
import { upperRegularizedGamma } from '#core/fairness/gamma.ts';
import { normalCdf, twoSidedP } from '#core/fairness/normal.ts';
import { precision } from '#core/fairness/precision.ts';
import { selectionRate } from '#core/fairness/selection-rate.ts';
import { truePositiveRate } from '#core/fairness/true-positive-rate.ts';
import { twoProportionZ } from '#core/fairness/two-proportion-z.ts';
import { weekOverWeek } from '#core/fairness/week-over-week.ts';
import { wilsonInterval } from '#core/fairness/wilson-interval.ts';

/** A group from its confusion matrix plus decisions without an outcome (ŷ=1, ŷ=0). */
const group = (
  tp: number,
  fp: number,
  fn: number,
  tn: number,
  unlabelledPos = 0,
  unlabelledNeg = 0,
): GroupCounts => {
  const c = emptyCounts();
  const add = (times: number, predicted: boolean, actual: boolean | undefined) => {
    for (let i = 0; i < times; i++) countDecision(c, predicted, actual);
  };
  add(tp, true, true);
  add(fp, true, false);
  add(fn, false, true);
  add(tn, false, false);
  add(unlabelledPos, true, undefined);
  add(unlabelledNeg, false, undefined);
  return c;
};

// Hand-computed table (by pencil, see each expectation):
//   a: TP 4, FP 2, FN 1, TN 3  → n 10, SR 6/10, TPR 4/5, FPR 2/5, FNR 1/5, precision 4/6
//   b: TP 2, FP 1, FN 3, TN 4  → n 10, SR 3/10, TPR 2/5, FPR 1/5, FNR 3/5, precision 2/3
const a = group(4, 2, 1, 3);
const b = group(2, 1, 3, 4);

describe('per-group rates (Fairlearn definitions)', () => {
  it('match the hand-computed table', () => {
    expect([
      selectionRate(a),
      truePositiveRate(a),
      falsePositiveRate(a),
      falseNegativeRate(a),
    ]).toEqual([0.6, 0.8, 0.4, 0.2]);
    expect(precision(a)).toBeCloseTo(4 / 6, 12);
    expect([
      selectionRate(b),
      truePositiveRate(b),
      falsePositiveRate(b),
      falseNegativeRate(b),
    ]).toEqual([0.3, 0.4, 0.2, 0.6]);
    expect(precision(b)).toBeCloseTo(2 / 3, 12);
  });

  it('count decisions without an outcome in the selection rate only', () => {
    const c = group(1, 0, 0, 1, 3, 5); // n 10, ŷ=1 4 times, labelled 2
    expect(c).toMatchObject({ n: 10, predictedPositive: 4, labelled: 2 });
    expect(selectionRate(c)).toBe(0.4);
    expect(truePositiveRate(c)).toBe(1);
    expect(falsePositiveRate(c)).toBe(0);
  });

  it('answer null, not 0, for an empty group', () => {
    const empty = emptyCounts();
    expect([
      selectionRate(empty),
      truePositiveRate(empty),
      falsePositiveRate(empty),
      falseNegativeRate(empty),
      precision(empty),
    ]).toEqual([null, null, null, null, null]);
  });

  it('leave FPR undefined for an all-positive group (no negative outcome)', () => {
    const all = group(5, 0, 0, 0);
    expect(selectionRate(all)).toBe(1);
    expect(truePositiveRate(all)).toBe(1);
    expect(falsePositiveRate(all)).toBeNull();
    expect(precision(all)).toBe(1);
  });
});

describe('spreads between groups', () => {
  it('demographic parity difference and ratio', () => {
    expect(demographicParity([a, b])).toEqual({ difference: 0.3, ratio: 0.5 });
  });

  it('equalized odds: the larger of the TPR and FPR differences, the smaller ratio', () => {
    const eo = equalizedOdds([a, b]);
    expect(eo.difference).toBeCloseTo(0.4, 12); // TPR 0.8 − 0.4 beats FPR 0.4 − 0.2
    expect(eo.ratio).toBeCloseTo(0.5, 12);
  });

  it('equal opportunity: the TPR difference', () => {
    expect(equalOpportunity([a, b]).difference).toBeCloseTo(0.4, 12);
  });

  it('a single group has difference 0 and ratio 1; no group has neither', () => {
    expect(demographicParity([a])).toEqual({ difference: 0, ratio: 1 });
    expect(demographicParity([])).toEqual({ difference: null, ratio: null });
  });

  it('skips groups whose metric is undefined, and all-zero rates are parity', () => {
    expect(betweenGroups([0.5, null, 0.25])).toEqual({ difference: 0.25, ratio: 0.5 });
    expect(betweenGroups([0, 0])).toEqual({ difference: 0, ratio: 1 });
  });
});

describe('disparate impact and the four-fifths rule', () => {
  it('b against a: ratio 0.5, flagged, z-test by hand', () => {
    const di = disparateImpact(b, a);
    expect(di.ratio).toBe(0.5);
    expect(di.four_fifths_flag).toBe(true);
    // pooled 9/20 = 0.45; se = √(0.45·0.55·(1/10 + 1/10)) = 0.222486; z = −0.3/se = −1.348400
    expect(di.test?.statistic).toBeCloseTo(-1.3484, 4);
    expect(di.test?.p_value).toBeCloseTo(0.17753, 4);
  });

  it('exactly 0.8 is not flagged', () => {
    expect(disparateImpact(group(4, 0, 0, 6), group(5, 0, 0, 5)).four_fifths_flag).toBe(false);
  });

  it('a reference with selection rate 0 gives no ratio and no flag', () => {
    const di = disparateImpact(group(0, 0, 0, 5), group(0, 0, 0, 5));
    expect(di.ratio).toBeNull();
    expect(di.four_fifths_flag).toBe(false);
    expect(di.test).toBeNull(); // no variance
  });
});

describe('significance', () => {
  it('normal CDF and two-sided p at known points', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 6);
    expect(twoSidedP(1.959963984540054)).toBeCloseTo(0.05, 6);
    expect(twoSidedP(3)).toBeCloseTo(0.0026998, 6);
  });

  it('two-proportion z: none for an empty group', () => {
    expect(twoProportionZ(1, 0, 3, 10)).toBeNull();
  });

  it('chi-square of a 2 × 2 table is z² with the same p', () => {
    const chi = chiSquare([a, b]);
    expect(chi?.df).toBe(1);
    expect(chi?.statistic).toBeCloseTo(1.3484 ** 2, 3);
    expect(chi?.p_value).toBeCloseTo(0.17753, 4);
  });

  it('chi-square over three groups by hand', () => {
    // SR 10/20, 5/20, 15/20; column totals 30 and 30 of 60 → E = 10 each;
    // χ² = (0 + 0) + (25/10 + 25/10) + (25/10 + 25/10) = 10, df 2, p = e^(−5).
    const chi = chiSquare([group(10, 0, 0, 10), group(5, 0, 0, 15), group(15, 0, 0, 5)]);
    expect(chi?.statistic).toBeCloseTo(10, 10);
    expect(chi?.p_value).toBeCloseTo(Math.exp(-5), 8);
  });

  it('chi-square needs two non-empty groups and both columns', () => {
    expect(chiSquare([a])).toBeNull();
    expect(chiSquare([a, emptyCounts()])).toBeNull();
    expect(chiSquare([group(3, 0, 0, 0), group(4, 0, 0, 0)])).toBeNull();
  });

  it('regularized gamma agrees with closed forms', () => {
    expect(upperRegularizedGamma(1, 2.5)).toBeCloseTo(Math.exp(-2.5), 10);
    expect(upperRegularizedGamma(2, 7)).toBeCloseTo(Math.exp(-7) * 8, 10);
    expect(upperRegularizedGamma(0.5, 1.92072941)).toBeCloseTo(0.05, 6); // χ²₁ critical 3.8415
  });
});

describe('Wilson intervals', () => {
  it('0 of 5 and 4 of 5 as published tables give them', () => {
    const zero = wilsonInterval(0, 5);
    expect(zero?.low).toBe(0);
    expect(zero?.high).toBeCloseTo(0.4345, 4);
    const four = wilsonInterval(4, 5);
    expect(four?.low).toBeCloseTo(0.3755, 4);
    expect(four?.high).toBeCloseTo(0.9638, 4);
  });

  it('stay inside [0, 1] for all-positive tiny samples, and are null for n = 0', () => {
    const one = wilsonInterval(1, 1);
    expect(one?.high).toBe(1);
    expect(one?.low).toBeCloseTo(0.2065, 4);
    expect(wilsonInterval(0, 0)).toBeNull();
  });
});

describe('week over week', () => {
  it('alerts above +20%, not at it', () => {
    expect(weekOverWeek(100, 121, 30)).toMatchObject({ change: 0.21, alert: true });
    expect(weekOverWeek(100, 120, 30)).toMatchObject({ change: 0.2, alert: false });
    expect(weekOverWeek(100, 50, 30).alert).toBe(false);
  });

  it('a rise from zero alerts only from the minimum count', () => {
    expect(weekOverWeek(0, 3, 30)).toMatchObject({ change: null, alert: false });
    expect(weekOverWeek(0, 30, 30)).toMatchObject({ change: null, alert: true });
    expect(weekOverWeek(0, 0, 30).alert).toBe(false);
    expect(weekOverWeek(0, 30, 30, false).alert).toBe(false); // no decisions before: no baseline
  });
});
