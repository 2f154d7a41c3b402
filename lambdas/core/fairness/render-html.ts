import { esc, rateChart, trendChart, weeklyChart } from './charts.ts';
import { fixed, interval, percent, pValue, VERDICT_TEXT } from './format.ts';
import type { FairnessReport } from './report.ts';

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:980px;color:#222}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}
td:first-child,th:first-child{text-align:left}.verdict{padding:2px 8px;border-radius:4px}
.disparity{background:#fdd}.no_disparity_detected{background:#dfd}.insufficient_data{background:#eee}
.alert{background:#fff3cd;border:1px solid #e0c060;padding:.5em 1em}.small{color:#888}`;

/** The report as one standalone HTML file: inline CSS and SVG, nothing fetched at view time. */
export const renderHtml = (r: FairnessReport): string => {
  const title = `Fairness review: ${r.use_case ?? 'all use cases'}`;
  const body: string[] = [];
  body.push(`<h1>${esc(title)}</h1>`);
  body.push(
    `<p>Decisions from <b>${esc(r.window.from)}</b> to <b>${esc(r.window.to)}</b> (exclusive), generated ${esc(r.generated_at)}. <b>${r.decisions}</b> decisions, <b>${r.outcomes.labelled}</b> with a known outcome. Positive decision: ${esc(r.settings.positive_decisions.join(', '))}; positive outcome: ${esc(r.settings.positive_outcomes.join(', '))}; groups under ${r.settings.min_group_size} decisions get no verdict.</p>`,
  );
  if (r.outcomes.unknown_decisions > 0) {
    body.push(
      `<p>${r.outcomes.unknown_decisions} outcome(s) name a decision that is not on the record (kept, not counted)${r.outcomes.unknown_examples.length > 0 ? `: ${esc(r.outcomes.unknown_examples.join(', '))}` : ''}.</p>`,
    );
  }
  if (r.absent_attributes.length > 0) {
    body.push(
      `<p>Not carried by any decision in the window: ${esc(r.absent_attributes.join(', '))}.</p>`,
    );
  }
  body.push(
    r.alerts.length > 0
      ? `<div class="alert"><b>Alerts</b><ul>${r.alerts.map((a) => `<li>${esc(a)}</li>`).join('')}</ul></div>`
      : '<p>No alert.</p>',
  );
  for (const a of r.attributes) {
    body.push(
      `<section class="attribute" data-attribute="${esc(a.attribute)}"><h2>${esc(a.attribute)} <span class="verdict ${a.verdict}">${VERDICT_TEXT[a.verdict]}</span></h2>`,
    );
    body.push(`<ul>${a.findings.map((f) => `<li>${esc(f)}</li>`).join('')}</ul>`);
    body.push(
      '<table><tr><th>group</th><th>n</th><th>selection rate</th><th>95% CI</th><th>TPR</th><th>FPR</th><th>FNR</th><th>precision</th><th>with outcome</th><th>DI vs ' +
        esc(a.reference ?? '—') +
        '</th><th>p</th></tr>',
    );
    for (const g of a.groups) {
      const di = g.disparate_impact;
      body.push(
        `<tr${g.sufficient ? '' : ' class="small"'}><td>${esc(g.value)}${g.sufficient ? '' : ' (small)'}</td><td>${g.n}</td><td>${percent(g.selection_rate)}</td><td>${interval(g.ci.selection_rate)}</td><td>${percent(g.tpr)}</td><td>${percent(g.fpr)}</td><td>${percent(g.fnr)}</td><td>${percent(g.precision)}</td><td>${g.labelled}</td><td>${di ? `${fixed(di.ratio)}${di.four_fifths_flag ? ' ⚠' : ''}` : 'reference'}</td><td>${pValue(di?.test?.p_value)}</td></tr>`,
      );
    }
    body.push('</table>');
    body.push(
      `<p>Demographic parity difference ${fixed(a.demographic_parity.difference)}, ratio ${fixed(a.demographic_parity.ratio)}; equalized odds difference ${fixed(a.equalized_odds.difference)}; equal opportunity difference ${fixed(a.equal_opportunity.difference)}; chi-square ${a.chi_square ? `${a.chi_square.statistic.toFixed(2)} (df ${a.chi_square.df}, p ${pValue(a.chi_square.p_value)})` : '—'}.</p>`,
    );
    body.push(
      `<h3>Rates by group, with 95% confidence intervals</h3>${rateChart(a.attribute, a.groups)}`,
    );
    body.push(`<h3>Selection rate by week</h3>${trendChart(a.attribute, a.trend)}</section>`);
  }
  const wow = r.week_over_week;
  body.push(`<h2>Weekly trend</h2>${weeklyChart(r.weekly)}`);
  body.push(
    `<p>Adverse decisions week over week: ${wow.adverse.previous} → ${wow.adverse.current} (${wow.adverse.change === null ? 'n/a' : percent(wow.adverse.change)})${wow.adverse.alert ? ' ⚠' : ''}; high-severity: ${wow.high_severity.previous} → ${wow.high_severity.current}${wow.high_severity.alert ? ' ⚠' : ''}.</p>`,
  );
  body.push('<h2>Top reasons for adverse decisions</h2>');
  body.push(
    r.top_adverse_reasons.length === 0
      ? '<p>None in the window.</p>'
      : `<table><tr><th>reason</th><th>decisions</th></tr>${r.top_adverse_reasons.map((t) => `<tr><td>${esc(t.reason)}</td><td>${t.count}</td></tr>`).join('')}</table>`,
  );
  body.push(`<h2>Caveats</h2><ul>${r.caveats.map((c) => `<li>${esc(c)}</li>`).join('')}</ul>`);
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"><title>${esc(title)}</title><style>${STYLE}</style></head><body>${body.join('\n')}</body></html>\n`;
};
