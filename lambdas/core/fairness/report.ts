import type { AttributeReport } from './analyse-attribute.ts';
import type { ReasonCount } from './top-reasons.ts';
import type { WeekTally } from './violation-trend.ts';
import type { WeekOverWeek } from './week-over-week.ts';

/** Per week and group: decisions and the selection rate, for the trend chart. */
export interface GroupTrendPoint {
  readonly week: string;
  readonly groups: readonly {
    readonly value: string;
    readonly n: number;
    readonly selection_rate: number | null;
  }[];
}

/** The fairness review report: what is archived, hashed into the review record and rendered. */
export interface FairnessReport {
  readonly type: 'fairness_review';
  readonly version: 1;
  readonly use_case: string | null;
  readonly window: { readonly from: string; readonly to: string };
  readonly generated_at: string;
  readonly settings: {
    readonly positive_decisions: readonly string[];
    readonly positive_outcomes: readonly string[];
    readonly adverse_decisions: readonly string[] | 'not positive';
    readonly min_group_size: number;
    readonly alpha: number;
    readonly max_equalized_odds_difference: number;
  };
  /** Decisions in the window. */
  readonly decisions: number;
  readonly outcomes: {
    /** Decisions in the window with a known (latest) outcome. */
    readonly labelled: number;
    /** Decisions anywhere in the ledger with at least one outcome record. */
    readonly decisions_with_outcomes: number;
    /** Outcome records read. */
    readonly records: number;
    /** Decisions named by outcomes that no decision record in the ledger has: kept, reported. */
    readonly unknown_decisions: number;
    readonly unknown_examples: readonly string[];
  };
  readonly attributes: readonly (AttributeReport & {
    readonly trend: readonly GroupTrendPoint[];
  })[];
  /** Attributes asked for that no decision in the window carries. */
  readonly absent_attributes: readonly string[];
  readonly weekly: readonly WeekTally[];
  readonly week_over_week: { readonly adverse: WeekOverWeek; readonly high_severity: WeekOverWeek };
  readonly top_adverse_reasons: readonly ReasonCount[];
  /** Why an alert is raised, one line each; empty when none. */
  readonly alerts: readonly string[];
  readonly caveats: readonly string[];
}

export const CAVEATS: readonly string[] = [
  'The four-fifths rule assumes the positive decision is the favourable one; it is a rule of thumb, not a test. Small groups often fall below it by chance and very large groups are "significant" for trivial differences, so each flag is shown with a two-proportion z-test and no verdict is given below the minimum group size.',
  'Error rates (TPR, FPR, FNR, precision) cover only decisions whose outcome is known; if outcomes arrive for some groups sooner than others, they are biased.',
  'No disparity detected is not proof of fairness. Metrics conflict: when base rates differ between groups, equal selection rates and equal error rates cannot both hold (Chouldechova 2017; Kleinberg et al. 2016).',
  'Intervals are 95% Wilson score intervals per group; p-values are not corrected for testing several groups and attributes.',
];
