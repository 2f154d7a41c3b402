import { type GroupCounts, ratio } from './counts.ts';

/**
 * Precision (positive predictive value), as scikit-learn's `precision_score` that Fairlearn
 * uses in a MetricFrame: `P(y = 1 | ŷ = 1) = TP / (TP + FP)`, over decisions with a known
 * outcome. Null when no positive decision has an outcome yet.
 */
export const precision = (c: GroupCounts): number | null => ratio(c.tp, c.tp + c.fp);
