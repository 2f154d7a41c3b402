import type { GroupCounts } from './counts.ts';
import { upperRegularizedGamma } from './gamma.ts';
import type { TestResult } from './two-proportion-z.ts';

/** Chi-square test result with its degrees of freedom. */
export interface ChiSquareResult extends TestResult {
  readonly df: number;
}

/**
 * Pearson's chi-square test of independence between group and decision over the k × 2
 * table (positive / not positive decisions per group), no continuity correction (as
 * `scipy.stats.chi2_contingency(correction=False)`):
 *
 *   χ² = Σ_g Σ_c (O_gc − E_gc)² / E_gc,   E_gc = n_g · col_c / N,   df = k − 1,
 *   p = P(χ²_df > χ²) = Q(df/2, χ²/2).
 *
 * Null with fewer than two non-empty groups or when every decision falls in one column.
 */
export const chiSquare = (groups: readonly GroupCounts[]): ChiSquareResult | null => {
  const rows = groups.filter((g) => g.n > 0);
  if (rows.length < 2) return null;
  const total = rows.reduce((s, g) => s + g.n, 0);
  const positive = rows.reduce((s, g) => s + g.predictedPositive, 0);
  const negative = total - positive;
  if (positive === 0 || negative === 0) return null;
  let statistic = 0;
  for (const g of rows) {
    const expectedPositive = (g.n * positive) / total;
    const expectedNegative = (g.n * negative) / total;
    statistic += (g.predictedPositive - expectedPositive) ** 2 / expectedPositive;
    statistic += (g.n - g.predictedPositive - expectedNegative) ** 2 / expectedNegative;
  }
  const df = rows.length - 1;
  return { statistic, df, p_value: upperRegularizedGamma(df / 2, statistic / 2) };
};
