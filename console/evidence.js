/** Evidence package for a period: `GET /v1/reports/evidence?from=&to=` where the runtime
 * has it, else the CLI command that writes it. */
import { ApiError, api, withQuery } from './api.js';
import { errorBox, facts, field, formParams, h, input, showPage, table } from './dom.js';

const monthStart = (offset) => {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1))
    .toISOString()
    .slice(0, 10);
};

/** A count table (key → number), largest first. */
const counts = (caption, what, byKey) =>
  table(
    caption,
    [what, 'Records'],
    Object.entries(byKey ?? {})
      .sort(([, a], [, b]) => b - a)
      .map(([key, n]) => h('tr', {}, h('td', {}, key), h('td', { class: 'num' }, String(n)))),
  );

/** The package's figures: the verification, volumes, policy, controls and reviews. */
const figures = (pkg) => {
  const v = pkg.verification ?? {};
  return [
    h('h3', {}, 'Verification'),
    h(
      'p',
      { class: v.ok ? 'proof verified' : 'proof failed', role: 'status' },
      v.ok ? 'Verified: no faults' : `Not verified: ${v.faults} faults`,
    ),
    facts([
      ['Chains', String(v.chains)],
      ['Records', String(v.records)],
      ['Checkpoints', String(v.checkpoints)],
      ['Faults', String(v.faults)],
      ['Reproduce with', h('code', {}, v.command ?? '')],
    ]),
    h('h3', {}, 'Volumes'),
    facts([['Records in the period', String(pkg.volumes?.records)]]),
    counts('Records by kind', 'Kind', pkg.volumes?.by_kind),
    counts('Records by use case', 'Use case', pkg.volumes?.by_use_case),
    counts('Policy decisions', 'Decision', pkg.policy?.by_decision),
    table(
      'Findings by control',
      ['Control', 'Findings', 'Records'],
      (pkg.policy?.by_control ?? []).map((c) =>
        h(
          'tr',
          {},
          h('td', {}, c.control),
          h('td', { class: 'num' }, String(c.findings)),
          h('td', { class: 'num' }, String(c.records)),
        ),
      ),
    ),
    counts('Review verdicts', 'Verdict', pkg.reviews?.by_verdict),
  ];
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
      ...figures(pkg),
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
