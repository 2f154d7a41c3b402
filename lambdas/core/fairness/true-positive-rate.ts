import { type GroupCounts, ratio } from './counts.ts';

/**
 * True positive rate (recall), as Fairlearn's `true_positive_rate`:
 * `TPR = P(ŷ = 1 | y = 1) = TP / (TP + FN)`, over decisions with a known outcome.
 * Null when the group has no positive outcome.
 */
export const truePositiveRate = (c: GroupCounts): number | null => ratio(c.tp, c.tp + c.fn);
