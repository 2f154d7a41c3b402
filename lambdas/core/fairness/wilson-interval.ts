import { Z_95 } from './normal.ts';

/** A confidence interval for a proportion. */
export interface Interval {
  readonly low: number;
  readonly high: number;
}

/**
 * Wilson score interval for a binomial proportion p̂ = k/n (Wilson 1927; recommended over the
 * Wald interval for small n and rates near 0 or 1 by Brown, Cai & DasGupta 2001):
 *
 *   centre = (p̂ + z²/2n) / (1 + z²/n)
 *   half   = z / (1 + z²/n) · √(p̂(1 − p̂)/n + z²/4n²)
 *
 * with z = 1.96 for 95%. Null for n = 0. Never leaves [0, 1].
 */
export const wilsonInterval = (k: number, n: number, z = Z_95): Interval | null => {
  if (n === 0) return null;
  const p = k / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
};
