import { betweenGroups, type Spread } from './between-groups.ts';
import type { GroupCounts } from './counts.ts';
import { falsePositiveRate } from './false-positive-rate.ts';
import { truePositiveRate } from './true-positive-rate.ts';

/**
 * Equalized odds, as Fairlearn's `equalized_odds_difference` / `_ratio` (Hardt et al. 2016):
 * difference `= max(TPR difference, FPR difference)`, ratio `= min(TPR ratio, FPR ratio)`,
 * each between groups. Null when neither rate is defined for any group.
 */
export const equalizedOdds = (groups: readonly GroupCounts[]): Spread => {
  const tpr = betweenGroups(groups.map(truePositiveRate));
  const fpr = betweenGroups(groups.map(falsePositiveRate));
  return {
    difference: worst(tpr.difference, fpr.difference, Math.max),
    ratio: worst(tpr.ratio, fpr.ratio, Math.min),
  };
};

const worst = (
  a: number | null,
  b: number | null,
  pick: (x: number, y: number) => number,
): number | null => (a === null ? b : b === null ? a : pick(a, b));
