import { describe, expect, it } from 'vitest';
import { computeReview } from '#core/fairness/compute-review.ts';
import { renderHtml } from '#core/fairness/render-html.ts';
import { renderMarkdown } from '#core/fairness/render-markdown.ts';
import { decision, listSource } from './records.ts';

const hostile = '<script>alert(1)</script>|"x"';

const report = () =>
  computeReview(
    listSource([
      decision('a', {
        inputs: { gender: hostile },
        output: { decision: 'deny', reason: '<img src=x onerror=alert(1)>' },
      }),
      decision('b', { inputs: { gender: 'f' }, output: { decision: 'approve' } }),
    ]),
    {
      from: new Date('2026-11-16T00:00:00Z'),
      to: new Date('2026-11-23T00:00:00Z'),
      attributes: [{ path: 'gender' }, { path: 'religion' }],
      positiveDecisions: ['approve'],
      positiveOutcomes: ['repaid'],
    },
    new Date('2026-11-30T00:00:00Z'),
  );

describe('report renderings', () => {
  it('HTML escapes every value taken from decisions (group names, reasons)', async () => {
    const html = renderHtml(await report());
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
    expect(html).toContain("default-src 'none'");
  });

  it('Markdown keeps table cells intact and names absent attributes once', async () => {
    const r = await report();
    expect(r.absent_attributes).toEqual(['religion']);
    const md = renderMarkdown(r);
    expect(md).toContain('Not carried by any decision in the window: religion.');
    const row = md.split('\n').find((l) => l.includes('alert(1)</script>'));
    expect(row).toContain('\\|"x"');
    expect(row?.split(/(?<!\\)\|/).length).toBe(11); // 9 cells between 10 unescaped pipes
  });

  it('JSON groups carry the fields the API promises', async () => {
    const group = (await report()).attributes[0]?.groups[0];
    expect(Object.keys(group ?? {})).toEqual(
      expect.arrayContaining([
        'value',
        'n',
        'selection_rate',
        'tpr',
        'fpr',
        'fnr',
        'precision',
        'ci',
      ]),
    );
  });
});
