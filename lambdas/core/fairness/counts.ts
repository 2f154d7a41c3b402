/**
 * Per-group tallies every fairness statistic is computed from: the confusion matrix of one
 * group, over decisions (ŷ) and, where an outcome is known, outcomes (y). Plain counts, so a
 * review over a million decisions keeps one small object per group.
 */
export interface GroupCounts {
  /** Decisions in the group. */
  n: number;
  /** Decisions with ŷ = 1 (a positive decision, as configured per use case). */
  predictedPositive: number;
  /** Decisions whose latest outcome is known (the confusion matrix covers these only). */
  labelled: number;
  /** ŷ = 1, y = 1 */
  tp: number;
  /** ŷ = 1, y = 0 */
  fp: number;
  /** ŷ = 0, y = 1 */
  fn: number;
  /** ŷ = 0, y = 0 */
  tn: number;
}

/** A group with nothing counted yet. */
export const emptyCounts = (): GroupCounts => ({
  n: 0,
  predictedPositive: 0,
  labelled: 0,
  tp: 0,
  fp: 0,
  fn: 0,
  tn: 0,
});

/** Counts one decision: its ŷ and, when known, its outcome y. */
export const countDecision = (
  counts: GroupCounts,
  predicted: boolean,
  actual: boolean | undefined,
): void => {
  counts.n += 1;
  if (predicted) counts.predictedPositive += 1;
  if (actual === undefined) return;
  counts.labelled += 1;
  if (predicted && actual) counts.tp += 1;
  else if (predicted) counts.fp += 1;
  else if (actual) counts.fn += 1;
  else counts.tn += 1;
};

/** A ratio, or null when its denominator is 0 (Fairlearn/scikit-learn answer 0 with a
 * warning there; a report must not show "0%" for "no data"). */
export const ratio = (numerator: number, denominator: number): number | null =>
  denominator === 0 ? null : numerator / denominator;
