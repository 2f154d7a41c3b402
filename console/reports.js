/** Fairness reports the review run archived: a paged list, and one report with its charts. */
import { api, withQuery } from './api.js';
import { facts, h, showPage, table } from './dom.js';

export const reportsPage = async ({ params }) => {
  const page = await api(
    withQuery('/v1/reports/fairness', { limit: '20', cursor: params.get('cursor') ?? undefined }),
  );
  showPage(
    'Fairness reports',
    page.reports.length === 0
      ? h(
          'p',
          {},
          'No fairness review has been recorded yet (audit-trail review fairness, or the weekly run).',
        )
      : table(
          'Recorded fairness reviews',
          ['Use case', 'Window', 'Decisions', 'Verdicts'],
          page.reports.map((r) =>
            h(
              'tr',
              {},
              h(
                'td',
                {},
                h('a', { href: `#/reports/${r.report_id}` }, r.use_case ?? 'all use cases'),
              ),
              h('td', {}, `${r.window.from.slice(0, 10)} – ${r.window.to.slice(0, 10)}`),
              h('td', {}, String(r.decisions)),
              h(
                'td',
                {},
                Object.entries(r.verdicts)
                  .map(([a, v]) => `${a}: ${v}`)
                  .join('; ') || '—',
              ),
            ),
          ),
        ),
    page.next_cursor
      ? h(
          'nav',
          { class: 'pager', 'aria-label': 'Report pages' },
          h(
            'a',
            { href: `#/reports?cursor=${encodeURIComponent(page.next_cursor)}`, rel: 'next' },
            'Next page',
          ),
        )
      : null,
  );
};

export const reportPage = async ({ arg: id }) => {
  const { item, html } = await api(`/v1/reports/fairness/${encodeURIComponent(id)}`);
  // The archived HTML report carries the charts (inline SVG, no script): shown in a frame
  // that may run nothing.
  const frame =
    html === null
      ? h('p', {}, 'The HTML rendering of this report is not in the archive.')
      : h('iframe', {
          class: 'report-frame',
          title: `Fairness report charts for ${item.use_case ?? 'all use cases'}`,
          sandbox: '',
          srcdoc: html,
        });
  showPage(
    `Fairness report: ${item.use_case ?? 'all use cases'}`,
    facts([
      ['Window', `${item.window.from} – ${item.window.to}`],
      ['Generated', item.generated_at],
      ['Decisions', String(item.decisions)],
      [
        'Verdicts',
        Object.entries(item.verdicts)
          .map(([a, v]) => `${a}: ${v}`)
          .join('; ') || '—',
      ],
      ['Report id (SHA-256)', h('code', { class: 'hash' }, item.report_id)],
    ]),
    frame,
  );
};
