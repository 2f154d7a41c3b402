/**
 * Fairlearn's `method='between_groups'` aggregation of a per-group metric: the difference
 * `max_g m(g) − min_g m(g)` and the ratio `min_g m(g) / max_g m(g)`. Groups whose metric is
 * null (no data) are left out; fewer than one defined value gives null.
 */
export interface Spread {
  readonly difference: number | null;
  readonly ratio: number | null;
}

export const betweenGroups = (values: readonly (number | null)[]): Spread => {
  const defined = values.filter((v): v is number => v !== null);
  if (defined.length === 0) return { difference: null, ratio: null };
  const max = Math.max(...defined);
  const min = Math.min(...defined);
  // Fairlearn: a ratio over a maximum of 0 is 1 when every group is 0 (no disparity).
  return { difference: max - min, ratio: max === 0 ? 1 : min / max };
};
