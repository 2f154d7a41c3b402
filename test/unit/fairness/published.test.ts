/**
 * Reproduces a published fairness figure from public data: the discrimination of the UCI
 * Adult (Census Income) data with respect to sex, 19.45% (Calders & Verwer 2010; Kamiran &
 * Calders 2012), i.e. the demographic parity difference of the `>50K` label over all 48,842
 * rows. Data and licence: test/fixtures/adult/README.md.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { computeReview } from '#core/fairness/compute-review.ts';
import { decision, listSource } from './records.ts';

const rows = readFileSync(
  new URL('../../fixtures/adult/adult-sex-income.csv', import.meta.url),
  'utf8',
)
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => line.split(','));

describe('UCI Adult, sex vs income > 50K', () => {
  it('gives the published 19.45% demographic parity difference', async () => {
    const records = rows.map(([sex, over], i) =>
      decision(`adult-${i}`, {
        inputs: { sex: sex === 'M' ? 'Male' : 'Female' },
        output: { decision: over === '1' ? '>50K' : '<=50K' },
      }),
    );
    const report = await computeReview(
      listSource(records),
      {
        from: new Date('2026-11-16T00:00:00Z'),
        to: new Date('2026-11-23T00:00:00Z'),
        attributes: [{ path: 'sex' }],
        positiveDecisions: ['>50K'],
        positiveOutcomes: ['1'],
      },
      new Date('2026-11-30T00:00:00Z'),
    );
    const sex = report.attributes[0];
    expect(report.decisions).toBe(48_842);
    expect(sex?.groups.map((g) => [g.value, g.n])).toEqual([
      ['Female', 16_192],
      ['Male', 32_650],
    ]);
    expect(Number(((sex?.demographic_parity.difference ?? 0) * 100).toFixed(2))).toBe(19.45);
    expect(sex?.demographic_parity.ratio).toBeCloseTo(1769 / 16_192 / (9918 / 32_650), 12);
    // Far below four fifths, and no chance finding at these sizes.
    const female = sex?.groups[0];
    expect(female?.disparate_impact?.four_fifths_flag).toBe(true);
    expect(female?.disparate_impact?.test?.p_value).toBeLessThan(1e-12);
    expect(sex?.verdict).toBe('disparity');
  });
});
