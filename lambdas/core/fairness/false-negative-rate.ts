import { type GroupCounts, ratio } from './counts.ts';

/**
 * False negative rate, as Fairlearn's `false_negative_rate`:
 * `FNR = P(ŷ = 0 | y = 1) = FN / (TP + FN) = 1 − TPR`, over decisions with a known outcome.
 * Null when the group has no positive outcome.
 */
export const falseNegativeRate = (c: GroupCounts): number | null => ratio(c.fn, c.tp + c.fn);
