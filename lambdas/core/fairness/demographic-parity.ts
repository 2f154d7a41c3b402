import { betweenGroups, type Spread } from './between-groups.ts';
import type { GroupCounts } from './counts.ts';
import { selectionRate } from './selection-rate.ts';

/**
 * Demographic parity, as Fairlearn's `demographic_parity_difference` and
 * `demographic_parity_ratio`: with `SR(g) = P(ŷ = 1 | A = g)`,
 * difference `= max_g SR(g) − min_g SR(g)` (0 is parity), ratio `= min_g SR(g) / max_g SR(g)`
 * (1 is parity). Both are reported: a difference of 0.05 means little at rates near 0.9 and
 * much at rates near 0.06.
 */
export const demographicParity = (groups: readonly GroupCounts[]): Spread =>
  betweenGroups(groups.map(selectionRate));
