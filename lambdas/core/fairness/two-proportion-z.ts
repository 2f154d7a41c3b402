import { twoSidedP } from './normal.ts';

/** A test statistic and its two-sided p-value. */
export interface TestResult {
  readonly statistic: number;
  readonly p_value: number;
}

/**
 * Two-proportion z-test with the pooled estimate (the test the EEOC pairs with the
 * four-fifths rule): p̂₁ = k₁/n₁, p̂₂ = k₂/n₂, p̂ = (k₁ + k₂)/(n₁ + n₂),
 *
 *   z = (p̂₁ − p̂₂) / √(p̂(1 − p̂)(1/n₁ + 1/n₂)),   p = 2·(1 − Φ(|z|)).
 *
 * Null when a group is empty or the pooled rate is 0 or 1 (no variance: nothing to test).
 * Its normal approximation wants roughly n·p̂ ≥ 5 in each cell; the review gives no verdict
 * below its minimum group size.
 */
export const twoProportionZ = (
  k1: number,
  n1: number,
  k2: number,
  n2: number,
): TestResult | null => {
  if (n1 === 0 || n2 === 0) return null;
  const pooled = (k1 + k2) / (n1 + n2);
  const variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2);
  if (variance === 0) return null;
  const z = (k1 / n1 - k2 / n2) / Math.sqrt(variance);
  return { statistic: z, p_value: twoSidedP(z) };
};
