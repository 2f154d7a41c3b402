import { describe, expect, it } from 'vitest';
import { computeReview } from '#core/fairness/compute-review.ts';
import type { FairnessOptions } from '#core/fairness/options.ts';
import { parseAttribute } from '#core/fairness/options.ts';
import { decision, listSource, outcome } from './records.ts';

const base: FairnessOptions = {
  from: new Date('2026-11-16T00:00:00Z'),
  to: new Date('2026-11-23T00:00:00Z'),
  attributes: [{ path: 'gender' }],
  positiveDecisions: ['approve'],
  positiveOutcomes: ['repaid'],
  minGroupSize: 3,
};
const now = new Date('2026-11-30T00:00:00Z');

const loan = (
  id: string,
  gender: string | undefined,
  decisionValue: string,
  extra: Record<string, unknown> = {},
) =>
  decision(id, {
    decision_id: id,
    use_case: 'loan',
    inputs: gender === undefined ? {} : { gender },
    output: { decision: decisionValue, reason: decisionValue === 'deny' ? 'dti too high' : 'ok' },
    ...extra,
  });

describe('computeReview', () => {
  it('joins the latest outcome per decision and counts the confusion matrix per group', async () => {
    const records = [
      loan('f1', 'f', 'approve'),
      loan('f2', 'f', 'approve'),
      loan('f3', 'f', 'deny'),
      loan('m1', 'm', 'approve'),
      loan('m2', 'm', 'deny'),
      loan('m3', 'm', 'deny'),
      // f1 first defaulted, then a later outcome says repaid: the later one counts.
      outcome('f1', 'default', '2026-11-20T00:00:00Z'),
      outcome('f1', 'repaid', '2026-11-27T00:00:00Z'),
      outcome('f2', 'default'),
      outcome('f3', 'repaid'),
      outcome('m1', 'repaid'),
    ];
    const report = await computeReview(listSource(records), base, now);
    expect(report.decisions).toBe(6);
    expect(report.outcomes).toMatchObject({
      labelled: 4,
      records: 5,
      decisions_with_outcomes: 4,
      unknown_decisions: 0,
    });
    const [f, m] = report.attributes[0]?.groups ?? [];
    // f: f1 ŷ1 y1 (TP), f2 ŷ1 y0 (FP), f3 ŷ0 y1 (FN)
    expect(f).toMatchObject({
      value: 'f',
      n: 3,
      labelled: 3,
      tpr: 0.5,
      fpr: 1,
      fnr: 0.5,
      precision: 0.5,
    });
    expect(f?.selection_rate).toBeCloseTo(2 / 3, 12);
    expect(m).toMatchObject({ value: 'm', n: 3, labelled: 1, tpr: 1, fpr: null, precision: 1 });
    expect(m?.selection_rate).toBeCloseTo(1 / 3, 12);
    expect(report.attributes[0]?.reference).toBe('f');
    expect(m?.disparate_impact?.ratio).toBeCloseTo(0.5, 12);
    expect(report.top_adverse_reasons).toEqual([{ reason: 'dti too high', count: 3 }]);
  });

  it('gives no verdict below the minimum group size and keeps the missing group out of it', async () => {
    const records = [
      loan('a', 'f', 'approve'),
      loan('b', 'm', 'deny'),
      loan('c', undefined, 'deny'),
      loan('d', undefined, 'deny'),
      loan('e', undefined, 'deny'),
    ];
    const report = await computeReview(listSource(records), { ...base, minGroupSize: 2 }, now);
    const attribute = report.attributes[0];
    expect(attribute?.verdict).toBe('insufficient_data');
    expect(attribute?.groups.map((g) => [g.value, g.n, g.sufficient])).toEqual([
      ['f', 1, false],
      ['m', 1, false],
      ['(missing)', 3, false],
    ]);
    expect(attribute?.demographic_parity).toEqual({ difference: null, ratio: null });
  });

  it('finds a significant four-fifths failure a disparity and raises an alert line', async () => {
    const records = [
      ...Array.from({ length: 60 }, (_, i) => loan(`f${i}`, 'f', i < 48 ? 'approve' : 'deny')), // 80%
      ...Array.from({ length: 60 }, (_, i) => loan(`m${i}`, 'm', i < 24 ? 'approve' : 'deny')), // 40%
    ];
    const report = await computeReview(listSource(records), { ...base, minGroupSize: 30 }, now);
    expect(report.attributes[0]?.verdict).toBe('disparity');
    expect(report.alerts[0]).toMatch(/^gender: m: selection rate 40\.0% is 50\.0% of f's/);
  });

  it('a single group, or groups that agree, are no disparity or no verdict', async () => {
    const same = [
      ...Array.from({ length: 40 }, (_, i) => loan(`f${i}`, 'f', i % 2 === 0 ? 'approve' : 'deny')),
      ...Array.from({ length: 40 }, (_, i) => loan(`m${i}`, 'm', i % 2 === 0 ? 'approve' : 'deny')),
    ];
    const report = await computeReview(listSource(same), { ...base, minGroupSize: 30 }, now);
    expect(report.attributes[0]?.verdict).toBe('no_disparity_detected');
    expect(report.alerts).toEqual([]);
    const single = await computeReview(
      listSource(same.slice(0, 40)),
      { ...base, minGroupSize: 30 },
      now,
    );
    expect(single.attributes[0]?.verdict).toBe('insufficient_data');
  });

  it('filters by use case and window, buckets numbers, and reports outcomes for unknown decisions', async () => {
    const records = [
      loan('a', 'f', 'approve', { inputs: { age: 22 } }),
      loan('b', 'f', 'approve', { inputs: { age: 40 } }),
      loan('c', 'f', 'approve', { inputs: { age: 'n/a' } }),
      decision('other', {
        decision_id: 'other',
        use_case: 'fraud',
        inputs: { age: 30 },
        output: { decision: 'approve' },
      }),
      decision(
        'late',
        {
          decision_id: 'late',
          use_case: 'loan',
          inputs: { age: 30 },
          output: { decision: 'approve' },
        },
        '2026-11-23T00:00:00Z',
      ),
      outcome('ghost', 'repaid', '2026-11-25T00:00:00Z', false),
    ];
    const report = await computeReview(
      listSource(records),
      { ...base, useCase: 'loan', attributes: [parseAttribute('inputs.age:25,60')] },
      now,
    );
    expect(report.decisions).toBe(3);
    expect(report.attributes[0]?.groups.map((g) => [g.value, g.n])).toEqual([
      ['25–<60', 1],
      ['<25', 1],
      ['(not a number)', 1],
    ]);
    expect(report.outcomes).toMatchObject({ unknown_decisions: 1, unknown_examples: ['ghost'] });
  });

  it('flags a week-over-week rise of adverse decisions above 20%', async () => {
    const week = (n: number, prefix: string) =>
      Array.from({ length: n }, (_, i) => loan(`${prefix}${i}`, 'f', 'deny', {}));
    const records = [
      ...week(30, 'p').map((r) => ({ ...r, occurred_at: '2026-11-10T09:00:00Z' })),
      ...week(37, 'c').map((r) => ({ ...r, occurred_at: '2026-11-17T09:00:00Z' })),
    ];
    const report = await computeReview(listSource(records), { ...base, minGroupSize: 30 }, now);
    expect(report.week_over_week.adverse).toMatchObject({ previous: 30, current: 37, alert: true });
    expect(report.weekly.at(-1)).toMatchObject({ week: '2026-11-16', adverse: 37 });
    expect(report.decisions).toBe(37); // the previous week is trend only
    expect(report.alerts).toContain('adverse decisions rose from 30 to 37 week over week');
  });

  it('reads the records in two passes, whatever their number', async () => {
    const source = listSource([loan('a', 'f', 'approve')]);
    await computeReview(source, base, now);
    expect(source.passes).toBe(2);
  });
});

describe('previousWeek', () => {
  it('is the last full ISO week, Monday to Monday UTC', async () => {
    const { previousWeek } = await import('#core/fairness/run-review.ts');
    const window = (at: string) => {
      const w = previousWeek(new Date(at));
      return [w.from.toISOString().slice(0, 10), w.to.toISOString().slice(0, 10)];
    };
    expect(window('2026-11-30T06:00:00Z')).toEqual(['2026-11-23', '2026-11-30']); // a Monday
    expect(window('2026-12-06T23:59:59Z')).toEqual(['2026-11-23', '2026-11-30']); // a Sunday
    expect(window('2026-12-07T00:00:00Z')).toEqual(['2026-11-30', '2026-12-07']);
  });
});
