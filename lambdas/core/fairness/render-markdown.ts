import { fixed, interval, percent, pValue, VERDICT_TEXT } from './format.ts';
import type { FairnessReport } from './report.ts';

/** Escapes the characters that would break a Markdown table cell. */
const cell = (text: string): string =>
  text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The report as Markdown, for a ticket or a pull request. */
export const renderMarkdown = (r: FairnessReport): string => {
  const lines: string[] = [];
  lines.push(`# Fairness review: ${cell(r.use_case ?? 'all use cases')}`);
  lines.push('');
  lines.push(`Window ${r.window.from} to ${r.window.to} (exclusive); generated ${r.generated_at}.`);
  lines.push(
    `${r.decisions} decisions, ${r.outcomes.labelled} with a known outcome. Positive decision: ${r.settings.positive_decisions.join(', ')}; positive outcome: ${r.settings.positive_outcomes.join(', ')}; minimum group size ${r.settings.min_group_size}.`,
  );
  if (r.outcomes.unknown_decisions > 0) {
    lines.push(
      `${r.outcomes.unknown_decisions} outcome(s) name a decision that is not on the record (kept, not counted)${r.outcomes.unknown_examples.length > 0 ? `: ${r.outcomes.unknown_examples.map(cell).join(', ')}` : ''}.`,
    );
  }
  if (r.absent_attributes.length > 0) {
    lines.push(
      `Not carried by any decision in the window: ${r.absent_attributes.map(cell).join(', ')}.`,
    );
  }
  lines.push('');
  lines.push(r.alerts.length > 0 ? '**Alerts:**' : 'No alert.');
  for (const a of r.alerts) lines.push(`- ${cell(a)}`);
  for (const a of r.attributes) {
    lines.push('', `## ${cell(a.attribute)}: ${VERDICT_TEXT[a.verdict]}`, '');
    for (const f of a.findings) lines.push(`- ${cell(f)}`);
    lines.push('');
    lines.push(
      '| group | n | selection rate (95% CI) | TPR | FPR | FNR | precision | DI vs ' +
        cell(a.reference ?? '—') +
        ' | p |',
    );
    lines.push('| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const g of a.groups) {
      const di = g.disparate_impact;
      lines.push(
        `| ${cell(g.value)}${g.sufficient ? '' : ' (small)'} | ${g.n} | ${percent(g.selection_rate)} (${interval(g.ci.selection_rate)}) | ${percent(g.tpr)} | ${percent(g.fpr)} | ${percent(g.fnr)} | ${percent(g.precision)} | ${di ? `${fixed(di.ratio)}${di.four_fifths_flag ? ' ⚠' : ''}` : 'ref'} | ${pValue(di?.test?.p_value)} |`,
      );
    }
    lines.push('');
    lines.push(
      `Demographic parity difference ${fixed(a.demographic_parity.difference)}, ratio ${fixed(a.demographic_parity.ratio)}; equalized odds difference ${fixed(a.equalized_odds.difference)}; equal opportunity difference ${fixed(a.equal_opportunity.difference)}; chi-square ${a.chi_square ? `${a.chi_square.statistic.toFixed(2)} (df ${a.chi_square.df}, p ${pValue(a.chi_square.p_value)})` : '—'}.`,
    );
  }
  lines.push(
    '',
    '## Weekly trend',
    '',
    '| week | decisions | adverse | high severity | flagged | blocked |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const w of r.weekly)
    lines.push(
      `| ${w.week} | ${w.decisions} | ${w.adverse} | ${w.high_severity} | ${w.flagged} | ${w.blocked} |`,
    );
  const wow = r.week_over_week;
  lines.push(
    '',
    `Adverse decisions week over week: ${wow.adverse.previous} → ${wow.adverse.current} (${wow.adverse.change === null ? 'n/a' : percent(wow.adverse.change)})${wow.adverse.alert ? ' ⚠' : ''}; high severity: ${wow.high_severity.previous} → ${wow.high_severity.current}${wow.high_severity.alert ? ' ⚠' : ''}.`,
  );
  lines.push('', '## Top reasons for adverse decisions', '');
  if (r.top_adverse_reasons.length === 0) lines.push('None in the window.');
  for (const t of r.top_adverse_reasons) lines.push(`- ${t.count} × ${cell(t.reason)}`);
  lines.push('', '## Caveats', '');
  for (const c of r.caveats) lines.push(`- ${c}`);
  return `${lines.join('\n')}\n`;
};
