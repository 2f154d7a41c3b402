import type { GroupCounts } from './counts.ts';
import { selectionRate } from './selection-rate.ts';
import { type TestResult, twoProportionZ } from './two-proportion-z.ts';

/** The four-fifths (80%) rule of the US Uniform Guidelines (29 CFR 1607.4(D)). */
export const FOUR_FIFTHS = 0.8;

/** One group's selection rate against the reference group's. */
export interface DisparateImpact {
  /** `SR(g) / SR(ref)`; null when either rate is undefined or SR(ref) is 0. */
  readonly ratio: number | null;
  /** True when the ratio is below 0.8. */
  readonly four_fifths_flag: boolean;
  /** Two-proportion z-test of SR(g) against SR(ref). */
  readonly test: TestResult | null;
}

/**
 * Disparate impact ratio of group g against a reference group (AIF360's `disparate_impact`,
 * the EEOC adverse-impact ratio): `DI(g) = SR(g) / SR(ref)` with SR the selection rate, and
 * the four-fifths flag `DI(g) < 0.8`.
 *
 * Caveat (stated in the report): the rule assumes the positive decision is the favourable
 * one; it is a rule of thumb, not a test. With small groups a ratio below 0.8 is often
 * chance, and with very large ones a trivial difference is "significant": the Guidelines
 * themselves ask for statistical and practical significance, so the flag is reported with
 * the z-test beside it and no verdict is given below the minimum group size.
 */
export const disparateImpact = (group: GroupCounts, reference: GroupCounts): DisparateImpact => {
  const rate = selectionRate(group);
  const referenceRate = selectionRate(reference);
  const ratio =
    rate === null || referenceRate === null || referenceRate === 0 ? null : rate / referenceRate;
  return {
    ratio,
    four_fifths_flag: ratio !== null && ratio < FOUR_FIFTHS,
    test: twoProportionZ(
      group.predictedPositive,
      group.n,
      reference.predictedPositive,
      reference.n,
    ),
  };
};
