import { useCaseOf } from '#core/events/use-case.ts';
import { analyseAttribute } from './analyse-attribute.ts';
import { groupOf, MISSING } from './attribute-value.ts';
import { countDecision, emptyCounts, type GroupCounts } from './counts.ts';
import {
  decisionReason,
  decisionValue,
  isHighSeverity,
  matcher,
  outcomeDecisionId,
  outcomeObservedAt,
  outcomeValue,
} from './decision-fields.ts';
import { type FairnessOptions, resolveOptions } from './options.ts';
import { hash53, OutcomeIndex } from './outcome-index.ts';
import { CAVEATS, type FairnessReport, type GroupTrendPoint } from './report.ts';
import type { RecordSource } from './review-source.ts';
import { selectionRate } from './selection-rate.ts';
import { ReasonTally } from './top-reasons.ts';
import { WeeklyTrend, weekOf } from './violation-trend.ts';
import { weekOverWeek } from './week-over-week.ts';

const WEEK_MS = 7 * 24 * 3600 * 1000;
/** Groups kept per attribute; further distinct values are counted as OTHER_GROUPS. */
export const MAX_GROUPS = 1000;
export const OTHER_GROUPS = '(other values)';
const MAX_UNKNOWN_EXAMPLES = 20;
const TOP_REASONS = 10;

/**
 * Computes a fairness review in two streaming passes over the records: (1) outcomes into a
 * compact latest-outcome-per-decision index, (2) the use case's decisions, counted per
 * attribute group with their latest outcome joined. What is kept grows with groups, weeks
 * and distinct reasons (all bounded) and by ~17 bytes per outcome in the index, which is
 * bounded too: past `maxOutcomesInMemory` outcomes the decisions are split by a hash of
 * their id into partitions that each fit, two passes each. Memory is flat in the number of
 * decisions; time grows by two passes per partition.
 */
export const computeReview = async (
  source: RecordSource,
  input: FairnessOptions,
  now: Date,
): Promise<FairnessReport> => {
  const options = resolveOptions(input);
  const isPositiveOutcome = matcher(options.positiveOutcomes);
  const isPositive = matcher(options.positiveDecisions);
  const isAdverse =
    options.adverseDecisions === undefined
      ? (v: string | undefined) => !isPositive(v)
      : matcher(options.adverseDecisions);

  const from = options.from.getTime();
  const to = options.to.getTime();
  const trendFrom = Math.min(from, to - options.trendWeeks * WEEK_MS);

  const perAttribute = options.attributes.map(() => new Map<string, GroupCounts>());
  const perWeek = options.attributes.map(() => new Map<string, Map<string, GroupCounts>>());
  const weekly = new WeeklyTrend();
  const reasons = new ReasonTally();
  let decisions = 0;
  let labelled = 0;
  let outcomeRecords = 0;
  let decisionsWithOutcomes = 0;
  let unknownDecisions = 0;
  const unknownExamples: string[] = [];
  const since = new Date(trendFrom);

  /** One partition: the decisions (and their outcomes) whose id hashes to `part` of
   * `parts`. Answers the outcomes it saw when they outgrow the budget before the end. */
  const runPartition = async (part: number, parts: number): Promise<number | undefined> => {
    const mine = (id: string): boolean => parts === 1 || hash53(id) % parts === part;
    // Pass 1: outcomes (of decisions in the window: logged after it began).
    const index = new OutcomeIndex({ newestFirst: source.newestFirst === true });
    const unresolved: string[] = [];
    let seen = 0;
    for await (const record of source.records({ kind: 'outcome', since })) {
      if (record.kind !== 'outcome') continue;
      const decisionId = record.ref?.event_id ?? outcomeDecisionId(record.body);
      if (decisionId === undefined) continue;
      seen += 1;
      if (seen > options.maxOutcomesInMemory && parts === 1) continue; // only counting now
      if (!mine(decisionId)) continue;
      index.add(
        decisionId,
        outcomeObservedAt(record.body),
        isPositiveOutcome(outcomeValue(record.body)),
      );
      if (record.ref?.seq === undefined && unresolved.length < MAX_UNKNOWN_EXAMPLES * 5)
        unresolved.push(decisionId);
    }
    if (seen > options.maxOutcomesInMemory && parts === 1) return seen;
    outcomeRecords += index.added;
    index.seal();

    // Pass 2: decisions (a decision occurs before it is logged: those logged since the
    // trend window began hold every one that occurred in it).
    for await (const record of source.records({ kind: 'decision', since })) {
      if (record.kind !== 'decision' || !mine(record.event_id)) continue;
      const actual = index.lookup(record.event_id);
      if (options.useCase !== undefined && useCaseOf(record.body) !== options.useCase) continue;
      const at = Date.parse(record.occurred_at ?? record.ingested_at);
      const time = Number.isNaN(at) ? Date.parse(record.ingested_at) : at;
      if (!(time >= trendFrom && time < to)) continue;
      const value = decisionValue(record.body);
      const predicted = isPositive(value);
      const adverse = isAdverse(value);
      const when = new Date(time);
      weekly.add(
        when,
        record.policy.decision,
        adverse,
        isHighSeverity(record.body, record.policy.findings, record.policy.decision === 'block'),
      );
      const week = weekOf(when);
      options.attributes.forEach((spec, i) => {
        const byWeek = perWeek[i] as Map<string, Map<string, GroupCounts>>;
        const groups = byWeek.get(week) ?? new Map<string, GroupCounts>();
        byWeek.set(week, groups);
        countDecision(slot(groups, groupOf(record.body, spec)), predicted, undefined);
      });
      if (time < from) continue;
      decisions += 1;
      if (actual !== undefined) labelled += 1;
      if (adverse) reasons.add(decisionReason(record.body));
      options.attributes.forEach((spec, i) => {
        const groups = perAttribute[i] as Map<string, GroupCounts>;
        countDecision(slot(groups, groupOf(record.body, spec)), predicted, actual);
      });
    }
    decisionsWithOutcomes += index.decisions;
    unknownDecisions += index.unmatched();
    for (const id of new Set(unresolved.filter((id) => !index.matched(id)))) {
      if (unknownExamples.length < MAX_UNKNOWN_EXAMPLES) unknownExamples.push(id);
    }
    return undefined;
  };

  // One partition while the outcomes fit the budget; else as many as make each fit, every
  // decision counted in exactly one (the counters add up), at two passes per partition.
  const outcomes = await runPartition(0, 1);
  const parts =
    outcomes === undefined ? 1 : Math.ceil((outcomes * 1.25) / options.maxOutcomesInMemory);
  for (let part = 0; parts > 1 && part < parts; part++) await runPartition(part, parts);

  const weeks = weekly.rows(new Date(trendFrom), options.to);
  const current = weeks.at(-1);
  const previous = weeks.at(-2);
  const baseline = (previous?.decisions ?? 0) > 0;
  const wow = {
    adverse: weekOverWeek(
      previous?.adverse ?? 0,
      current?.adverse ?? 0,
      options.minGroupSize,
      baseline,
    ),
    high_severity: weekOverWeek(
      previous?.high_severity ?? 0,
      current?.high_severity ?? 0,
      options.minGroupSize,
      baseline,
    ),
  };
  // An attribute no decision carries (a configured protected attribute this use case does
  // not log) is named once, not reported as one "(missing)" group.
  const carried = options.attributes.flatMap((spec, i) => {
    const groups = perAttribute[i] as Map<string, GroupCounts>;
    return groups.size === 1 && groups.has(MISSING) ? [] : [{ spec, i }];
  });
  const absent = options.attributes
    .filter((_, i) => !carried.some((c) => c.i === i))
    .map((s) => s.path);
  const attributes = carried.map(({ spec, i }) => ({
    ...analyseAttribute(
      spec.path,
      spec.buckets,
      perAttribute[i] as Map<string, GroupCounts>,
      options,
    ),
    trend: trendOf(
      perWeek[i] as Map<string, Map<string, GroupCounts>>,
      weeks.map((w) => w.week),
    ),
  }));
  const alerts = [
    ...attributes.flatMap((a) =>
      a.verdict === 'disparity' ? a.findings.map((f) => `${a.attribute}: ${f}`) : [],
    ),
    ...(wow.adverse.alert
      ? [
          `adverse decisions rose from ${wow.adverse.previous} to ${wow.adverse.current} week over week`,
        ]
      : []),
    ...(wow.high_severity.alert
      ? [
          `high-severity decisions rose from ${wow.high_severity.previous} to ${wow.high_severity.current} week over week`,
        ]
      : []),
  ];
  return {
    type: 'fairness_review',
    version: 1,
    use_case: options.useCase ?? null,
    window: { from: options.from.toISOString(), to: options.to.toISOString() },
    generated_at: now.toISOString(),
    settings: {
      positive_decisions: options.positiveDecisions,
      positive_outcomes: options.positiveOutcomes,
      adverse_decisions: options.adverseDecisions ?? 'not positive',
      min_group_size: options.minGroupSize,
      alpha: options.alpha,
      max_equalized_odds_difference: options.maxEqualizedOddsDifference,
    },
    decisions,
    outcomes: {
      labelled,
      decisions_with_outcomes: decisionsWithOutcomes,
      records: outcomeRecords,
      unknown_decisions: unknownDecisions,
      unknown_examples: unknownExamples,
    },
    attributes,
    absent_attributes: absent,
    weekly: weeks,
    week_over_week: wow,
    top_adverse_reasons: reasons.top(TOP_REASONS),
    alerts,
    caveats: CAVEATS,
  };
};

const slot = (groups: Map<string, GroupCounts>, value: string): GroupCounts => {
  const key = groups.has(value) || groups.size < MAX_GROUPS ? value : OTHER_GROUPS;
  let counts = groups.get(key);
  if (counts === undefined) {
    counts = emptyCounts();
    groups.set(key, counts);
  }
  return counts;
};

const trendOf = (
  byWeek: ReadonlyMap<string, ReadonlyMap<string, GroupCounts>>,
  weeks: readonly string[],
): GroupTrendPoint[] =>
  weeks.map((week) => ({
    week,
    groups: [...(byWeek.get(week) ?? new Map<string, GroupCounts>())]
      .map(([value, c]) => ({ value, n: c.n, selection_rate: selectionRate(c) }))
      .sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0)),
  }));
