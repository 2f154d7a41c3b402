import { MISSING, NOT_A_NUMBER } from './attribute-value.ts';
import type { Spread } from './between-groups.ts';
import { type ChiSquareResult, chiSquare } from './chi-square.ts';
import type { GroupCounts } from './counts.ts';
import { demographicParity } from './demographic-parity.ts';
import { type DisparateImpact, disparateImpact } from './disparate-impact.ts';
import { equalOpportunity } from './equal-opportunity.ts';
import { equalizedOdds } from './equalized-odds.ts';
import { falseNegativeRate } from './false-negative-rate.ts';
import { falsePositiveRate } from './false-positive-rate.ts';
import type { ResolvedOptions } from './options.ts';
import { precision } from './precision.ts';
import { selectionRate } from './selection-rate.ts';
import { truePositiveRate } from './true-positive-rate.ts';
import type { Verdict } from './verdict.ts';
import { type Interval, wilsonInterval } from './wilson-interval.ts';

/** One group's row in a report. */
export interface GroupReport {
  readonly value: string;
  readonly n: number;
  /** Decisions of the group with a known outcome. */
  readonly labelled: number;
  readonly selection_rate: number | null;
  readonly tpr: number | null;
  readonly fpr: number | null;
  readonly fnr: number | null;
  readonly precision: number | null;
  /** 95% Wilson intervals of each rate. */
  readonly ci: {
    readonly selection_rate: Interval | null;
    readonly tpr: Interval | null;
    readonly fpr: Interval | null;
    readonly fnr: Interval | null;
    readonly precision: Interval | null;
  };
  /** n ≥ the minimum group size and not the missing/not-a-number group. */
  readonly sufficient: boolean;
  /** Against the reference group (absent for the reference itself). */
  readonly disparate_impact?: DisparateImpact;
}

/** One attribute's section of a report. */
export interface AttributeReport {
  readonly attribute: string;
  readonly buckets?: readonly number[];
  readonly reference: string | null;
  readonly verdict: Verdict;
  /** Why the verdict is what it is, in words. */
  readonly findings: readonly string[];
  readonly groups: readonly GroupReport[];
  /** Between the sufficient groups (n ≥ the minimum group size). */
  readonly demographic_parity: Spread;
  /** Between the groups with at least the minimum group size of decisions with an outcome. */
  readonly equalized_odds: Spread;
  readonly equal_opportunity: Spread;
  readonly chi_square: ChiSquareResult | null;
}

const sortGroups = (a: string, b: string): number => {
  const special = (v: string) => (v === MISSING || v === NOT_A_NUMBER ? 1 : 0);
  return special(a) - special(b) || (a < b ? -1 : a > b ? 1 : 0);
};

/** Per-group statistics, spreads, tests and the verdict of one attribute. */
export const analyseAttribute = (
  attribute: string,
  buckets: readonly number[] | undefined,
  counts: ReadonlyMap<string, GroupCounts>,
  options: ResolvedOptions,
): AttributeReport => {
  const values = [...counts.keys()].sort(sortGroups);
  const isSufficient = (value: string, c: GroupCounts) =>
    c.n >= options.minGroupSize && value !== MISSING && value !== NOT_A_NUMBER;
  const sufficient = values.filter((v) => isSufficient(v, counts.get(v) as GroupCounts));
  const reference = pickReference(attribute, sufficient, counts, options);
  const referenceCounts = reference === null ? undefined : counts.get(reference);
  const groups = values.map((value): GroupReport => {
    const c = counts.get(value) as GroupCounts;
    return {
      value,
      n: c.n,
      labelled: c.labelled,
      selection_rate: selectionRate(c),
      tpr: truePositiveRate(c),
      fpr: falsePositiveRate(c),
      fnr: falseNegativeRate(c),
      precision: precision(c),
      ci: {
        selection_rate: wilsonInterval(c.predictedPositive, c.n),
        tpr: wilsonInterval(c.tp, c.tp + c.fn),
        fpr: wilsonInterval(c.fp, c.fp + c.tn),
        fnr: wilsonInterval(c.fn, c.tp + c.fn),
        precision: wilsonInterval(c.tp, c.tp + c.fp),
      },
      sufficient: isSufficient(value, c),
      ...(referenceCounts === undefined || value === reference
        ? {}
        : { disparate_impact: disparateImpact(c, referenceCounts) }),
    };
  });
  const sufficientCounts = sufficient.map((v) => counts.get(v) as GroupCounts);
  // Error rates need outcomes: their spreads use groups with enough labelled decisions.
  const labelledCounts = sufficientCounts.filter((c) => c.labelled >= options.minGroupSize);
  const report = {
    attribute,
    ...(buckets === undefined ? {} : { buckets }),
    reference,
    groups,
    demographic_parity: demographicParity(sufficientCounts),
    equalized_odds: equalizedOdds(labelledCounts),
    equal_opportunity: equalOpportunity(labelledCounts),
    chi_square: chiSquare(sufficientCounts),
  };
  const { verdict, findings } = judge(report, sufficient.length, options);
  return { ...report, verdict, findings };
};

/** The configured reference group if it is sufficient, else the sufficient group with the
 * highest selection rate. */
const pickReference = (
  attribute: string,
  sufficient: readonly string[],
  counts: ReadonlyMap<string, GroupCounts>,
  options: ResolvedOptions,
): string | null => {
  const configured = options.referenceGroups?.[attribute];
  if (configured !== undefined && sufficient.includes(configured)) return configured;
  let best: string | null = null;
  let bestRate = -1;
  for (const value of sufficient) {
    const rate = selectionRate(counts.get(value) as GroupCounts) ?? -1;
    if (rate > bestRate) {
      best = value;
      bestRate = rate;
    }
  }
  return best;
};

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

const judge = (
  report: Omit<AttributeReport, 'verdict' | 'findings'>,
  sufficientGroups: number,
  options: ResolvedOptions,
): { verdict: Verdict; findings: string[] } => {
  if (sufficientGroups < 2) {
    return {
      verdict: 'insufficient_data',
      findings: [
        `fewer than two groups have at least ${options.minGroupSize} decisions: no verdict`,
      ],
    };
  }
  const findings: string[] = [];
  for (const g of report.groups) {
    const di = g.disparate_impact;
    if (!g.sufficient || di === undefined || !di.four_fifths_flag || di.ratio === null) continue;
    const p = di.test?.p_value;
    if (p !== undefined && p < options.alpha) {
      findings.push(
        `${g.value}: selection rate ${pct(g.selection_rate ?? 0)} is ${pct(di.ratio)} of ${report.reference}'s (below four fifths, p = ${p.toPrecision(2)})`,
      );
    }
  }
  const eo = report.equalized_odds.difference;
  if (eo !== null && eo > options.maxEqualizedOddsDifference) {
    findings.push(
      `equalized-odds difference ${eo.toFixed(3)} exceeds ${options.maxEqualizedOddsDifference}`,
    );
  }
  return findings.length > 0
    ? { verdict: 'disparity', findings }
    : {
        verdict: 'no_disparity_detected',
        findings: [
          'no group fails the four-fifths rule significantly; error rates within the threshold',
        ],
      };
};
