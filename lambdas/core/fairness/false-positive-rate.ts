import { type GroupCounts, ratio } from './counts.ts';

/**
 * False positive rate, as Fairlearn's `false_positive_rate`:
 * `FPR = P(ŷ = 1 | y = 0) = FP / (FP + TN)`, over decisions with a known outcome.
 * Null when the group has no negative outcome.
 */
export const falsePositiveRate = (c: GroupCounts): number | null => ratio(c.fp, c.fp + c.tn);
