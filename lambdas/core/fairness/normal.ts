/**
 * The standard normal distribution, for z-tests and confidence intervals.
 * `Φ(z)` through the complementary error function (W. J. Cody's rational approximation as
 * given in Numerical Recipes, `erfc` with fractional error below 1.2e-7).
 */

/** Complementary error function. */
export const erfc = (x: number): number => {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t *
                              (-1.13520398 +
                                t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
};

/** `Φ(z) = P(Z ≤ z)` for a standard normal Z. */
export const normalCdf = (z: number): number => 0.5 * erfc(-z / Math.SQRT2);

/** Two-sided p-value of a z statistic: `2 · (1 − Φ(|z|))`. */
export const twoSidedP = (z: number): number => erfc(Math.abs(z) / Math.SQRT2);

/** z of a two-sided 95% interval, Φ⁻¹(0.975). */
export const Z_95 = 1.959963984540054;
