import { betweenGroups, type Spread } from './between-groups.ts';
import type { GroupCounts } from './counts.ts';
import { truePositiveRate } from './true-positive-rate.ts';

/**
 * Equal opportunity, as Fairlearn's `equal_opportunity_difference` / `_ratio` (Hardt et al.
 * 2016): the between-groups spread of `TPR(g) = P(ŷ = 1 | y = 1, A = g)`,
 * difference `= max_g TPR(g) − min_g TPR(g)`, ratio `= min_g TPR(g) / max_g TPR(g)`.
 */
export const equalOpportunity = (groups: readonly GroupCounts[]): Spread =>
  betweenGroups(groups.map(truePositiveRate));
