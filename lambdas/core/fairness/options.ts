import { FairnessSettingsError } from './errors.ts';
import {
  DEFAULT_ALPHA,
  DEFAULT_MAX_EQUALIZED_ODDS_DIFFERENCE,
  DEFAULT_MIN_GROUP_SIZE,
} from './verdict.ts';

/** One attribute to group by: a path into the decision, with optional numeric buckets. */
export interface AttributeSpec {
  /** `inputs.age`, `metadata.region`, or a bare name looked up in inputs, input, metadata,
   * the body itself and user (in that order). */
  readonly path: string;
  /** Ascending bucket edges: `[25, 40]` gives `<25`, `25–<40`, `≥40`. */
  readonly buckets?: readonly number[];
}

/** What a fairness review computes, per use case. */
export interface FairnessOptions {
  /** Only decisions of this use case (`use_case`, `metadata.use_case` or `decision_type`);
   * all decisions when absent. */
  readonly useCase?: string;
  /** Window of decision time (`occurred_at`, else `ingested_at`): from inclusive, to exclusive. */
  readonly from: Date;
  readonly to: Date;
  readonly attributes: readonly AttributeSpec[];
  /** Decision values that count as ŷ = 1 (compared as text, case-insensitively). */
  readonly positiveDecisions: readonly string[];
  /** Outcome values that count as y = 1. */
  readonly positiveOutcomes: readonly string[];
  /** Decision values that count as adverse; default: every decision that is not positive. */
  readonly adverseDecisions?: readonly string[];
  /** Reference group per attribute path; default: the sufficient group with the highest
   * selection rate (the EEOC's practice). */
  readonly referenceGroups?: Readonly<Record<string, string>>;
  /** @default 30 */
  readonly minGroupSize?: number;
  /** @default 0.05 */
  readonly alpha?: number;
  /** @default 0.1 */
  readonly maxEqualizedOddsDifference?: number;
  /** Weeks of trend ending at `to` (the window's own weeks at least). @default 8 */
  readonly trendWeeks?: number;
  /** Outcomes held in memory at once (~26 bytes each at the peak); past it the review runs
   * in partitions of decisions, two passes each. @default 2,000,000 (~50 MB) */
  readonly maxOutcomesInMemory?: number;
}

export const DEFAULT_MAX_OUTCOMES_IN_MEMORY = 2_000_000;

/** Attributes a review groups by unless told otherwise (the stack's `protectedAttributes`). */
export const DEFAULT_PROTECTED_ATTRIBUTES: readonly string[] = [
  'age',
  'gender',
  'race',
  'ethnicity',
  'religion',
  'disability',
  'sexual_orientation',
  'national_origin',
  'marital_status',
];

export const DEFAULT_POSITIVE_DECISIONS: readonly string[] = [
  'approve',
  'approved',
  'accept',
  'accepted',
  'allow',
  'grant',
  'granted',
  'yes',
  'true',
  '1',
];
export const DEFAULT_POSITIVE_OUTCOMES: readonly string[] = [
  '1',
  'true',
  'yes',
  'positive',
  'repaid',
  'good',
];

/** Options with every default filled in. */
export interface ResolvedOptions extends FairnessOptions {
  readonly minGroupSize: number;
  readonly alpha: number;
  readonly maxEqualizedOddsDifference: number;
  readonly trendWeeks: number;
  readonly maxOutcomesInMemory: number;
}

export const resolveOptions = (options: FairnessOptions): ResolvedOptions => ({
  ...options,
  minGroupSize: options.minGroupSize ?? DEFAULT_MIN_GROUP_SIZE,
  alpha: options.alpha ?? DEFAULT_ALPHA,
  maxEqualizedOddsDifference:
    options.maxEqualizedOddsDifference ?? DEFAULT_MAX_EQUALIZED_ODDS_DIFFERENCE,
  trendWeeks: options.trendWeeks ?? 8,
  maxOutcomesInMemory: Math.max(1, options.maxOutcomesInMemory ?? DEFAULT_MAX_OUTCOMES_IN_MEMORY),
});

/**
 * Parses `<path>[:<edge>,<edge>,…]` (the CLI's `--attribute`), e.g. `inputs.age:25,40,60`.
 * @throws Error naming the bad part.
 */
export const parseAttribute = (text: string): AttributeSpec => {
  const [path = '', edges] = text.split(':', 2);
  if (path.trim() === '') throw new FairnessSettingsError(`attribute "${text}": empty path`);
  if (edges === undefined) return { path };
  const buckets = edges.split(',').map(Number);
  if (
    buckets.some((b) => !Number.isFinite(b)) ||
    buckets.some((b, i) => i > 0 && b <= (buckets[i - 1] ?? b))
  ) {
    throw new FairnessSettingsError(`attribute "${text}": bucket edges must be ascending numbers`);
  }
  return { path, buckets };
};
