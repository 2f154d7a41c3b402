import { type GroupCounts, ratio } from './counts.ts';

/**
 * Selection rate, as Fairlearn's `selection_rate`: the share of positive decisions,
 * `P(ŷ = 1) = (TP + FP) / n` — here `predictedPositive / n` over every decision, with or
 * without a known outcome. Null for an empty group.
 */
export const selectionRate = (c: GroupCounts): number | null => ratio(c.predictedPositive, c.n);
