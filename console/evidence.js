/** Evidence package for a period: `GET /v1/reports/evidence?from=&to=` where the runtime
 * has it, else the CLI command that writes it. */
import { ApiError, api, withQuery } from './api.js';
import { errorBox, facts, field, formParams, h, input, showPage } from './dom.js';

const monthStart = (offset) => {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1))
    .toISOString()
    .slice(0, 10);
};

export const evidencePage = async ({ params }) => {
  const from = params.get('from') ?? monthStart(0);
  const to = params.get('to') ?? monthStart(1);
  const out = h(
    'section',
    { 'aria-labelledby': 'evidence-heading' },
    h('h2', { id: 'evidence-heading' }, 'Package'),
  );
  showPage(
    'Evidence package',
    h(
      'form',
      {
        class: 'filters inline',
        onsubmit: (event) => {
          event.preventDefault();
          location.hash = `#/evidence?${formParams(event.target)}`;
        },
      },
      field('From (date)', input('from', from, { type: 'date', required: true })),
      field('To (date, exclusive)', input('to', to, { type: 'date', required: true })),
      h('button', { type: 'submit' }, 'Open'),
    ),
    out,
  );
  try {
    const pkg = await api(withQuery('/v1/reports/evidence', { from, to }));
    out.append(
      facts(
        Object.entries(pkg)
          .filter(([, v]) => typeof v !== 'object')
          .map(([k, v]) => [k, String(v)]),
      ),
      h(
        'details',
        {},
        h('summary', {}, 'The whole package (JSON)'),
        h('pre', { tabindex: '0' }, JSON.stringify(pkg, null, 2)),
      ),
    );
  } catch (error) {
    if (error instanceof ApiError && error.status === 404 && error.message === 'no such route') {
      out.append(
        h('p', {}, 'This runtime has no evidence route yet. Write the package with the CLI:'),
        h(
          'pre',
          { tabindex: '0' },
          `audit-trail report evidence --from ${from} --to ${to} --out evidence`,
        ),
      );
    } else out.append(errorBox(error));
  }
};
