/** Alert when adverse or high-severity decisions rise by more than this from one week to the next. */
export const WEEK_OVER_WEEK_ALERT = 0.2;

/** The change of a weekly count from the previous week. */
export interface WeekOverWeek {
  readonly previous: number;
  readonly current: number;
  /** `(current − previous) / previous`; null when the previous week had none. */
  readonly change: number | null;
  /** True when change > 20%, or when the count went from 0 to at least `minCount`. */
  readonly alert: boolean;
}

/**
 * Week-over-week change of a count (adverse decisions, high-severity decisions):
 * `Δ = (c_t − c_{t−1}) / c_{t−1}`; an alert when Δ > 0.2 (the seed's weekly job). A rise
 * from 0 has no ratio; it alerts once the new count reaches `minCount`, so one stray
 * decision after a quiet week does not page anyone, and never when the previous week had no
 * decisions at all (`baseline` false: a first week has nothing to rise from).
 */
export const weekOverWeek = (
  previous: number,
  current: number,
  minCount: number,
  baseline = true,
): WeekOverWeek => {
  const change = previous === 0 ? null : (current - previous) / previous;
  const alert =
    change === null
      ? baseline && current >= minCount && current > 0
      : change > WEEK_OVER_WEEK_ALERT;
  return { previous, current, change, alert };
};
