/** Groups smaller than this get statistics but no verdict (the z-test's normal approximation
 * and the four-fifths rule both mislead on a handful of decisions). @default 30 */
export const DEFAULT_MIN_GROUP_SIZE = 30;
/** Significance level of the tests behind a verdict. */
export const DEFAULT_ALPHA = 0.05;
/** Largest equalized-odds difference still called "no disparity". */
export const DEFAULT_MAX_EQUALIZED_ODDS_DIFFERENCE = 0.1;

/**
 * What the review concludes for one attribute:
 * - `insufficient_data`: fewer than two groups reach the minimum size; nothing is claimed;
 * - `disparity`: a group of sufficient size fails the four-fifths rule with a significant
 *   z-test (p < α), or the equalized-odds difference over sufficient groups exceeds its
 *   threshold;
 * - `no_disparity_detected`: neither; which is not proof of fairness, only of no evidence.
 */
export type Verdict = 'insufficient_data' | 'disparity' | 'no_disparity_detected';
