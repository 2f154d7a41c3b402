/** Number formats shared by the Markdown and HTML reports. */

/** A rate as a percentage with one decimal, or an em dash for "no data". */
export const percent = (x: number | null | undefined): string =>
  x === null || x === undefined ? '—' : `${(x * 100).toFixed(1)}%`;

/** A 95% interval as `[low–high]` percentages. */
export const interval = (ci: { low: number; high: number } | null | undefined): string =>
  ci === null || ci === undefined
    ? '—'
    : `${(ci.low * 100).toFixed(1)}–${(ci.high * 100).toFixed(1)}%`;

/** A statistic with three decimals, or an em dash. */
export const fixed = (x: number | null | undefined): string =>
  x === null || x === undefined ? '—' : x.toFixed(3);

/** A p-value: `< 0.001` below that, else two significant digits. */
export const pValue = (p: number | null | undefined): string =>
  p === null || p === undefined ? '—' : p < 0.001 ? '< 0.001' : p.toPrecision(2);

export const VERDICT_TEXT = {
  disparity: 'DISPARITY',
  no_disparity_detected: 'no disparity detected',
  insufficient_data: 'insufficient data (no verdict)',
} as const;
