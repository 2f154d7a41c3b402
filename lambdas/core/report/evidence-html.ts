/**
 * The evidence as one standalone HTML page: inline styles, no scripts, no fetches, so it
 * opens offline and prints as it shows. Every value is escaped.
 */
import type { Evidence } from './evidence.ts';

const escapeHtml = (value: unknown): string =>
  String(value)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');

const table = (id: string, head: readonly string[], rows: readonly (readonly unknown[])[]) =>
  `<table id="${id}"><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${
    rows.length === 0
      ? `<tr><td colspan="${head.length}">none</td></tr>`
      : rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('')
  }</tbody></table>`;

const countRows = (counts: Record<string, number>) => Object.entries(counts);

const CSS = `body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:70rem;color:#111}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}th,td{border:1px solid #bbb;padding:.25rem .6rem;text-align:left}
th{background:#eee}code{font-size:90%}.ok{color:#075}.bad{color:#a00}`;

export const evidenceHtml = (e: Evidence): string => {
  const v = e.verification;
  const q = e.query;
  const filters = [q.useCase ? `use case ${q.useCase}` : '', q.chain ? `chain ${q.chain}` : '']
    .filter(Boolean)
    .join(', ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Evidence ${escapeHtml(q.from)} to ${escapeHtml(q.to)}</title>
<style>${CSS}</style></head><body>
<h1>Audit trail evidence</h1>
<p>Period <b>${escapeHtml(q.from)}</b> (inclusive) to <b>${escapeHtml(q.to)}</b> (exclusive)${filters ? `; ${escapeHtml(filters)}` : ''}.
Archive <code>${escapeHtml(e.archive)}</code>. Generated ${escapeHtml(e.generated_at)}. Every figure is counted from the archive's record lines.</p>
<h2>Verification</h2>
<p id="verification" class="${v.ok ? 'ok' : 'bad'}">${v.ok ? 'CLEAN' : `FAULTS: ${escapeHtml(v.faults)}`} — ${escapeHtml(v.chains)} chains, ${escapeHtml(v.records)} records, ${escapeHtml(v.checkpoints)} checkpoints, ${escapeHtml(v.indexes)} signed indexes verified; key ${escapeHtml(v.key ?? 'none')} (${v.pinned ? 'pinned' : 'NOT pinned'}).</p>
<p>Reproduce: <code id="command">${escapeHtml(v.command)}</code></p>
${table('faults', ['fault kind', 'count'], countRows(v.by_kind))}
<h2>Volumes</h2>
<p>${escapeHtml(e.volumes.records)} records in the period.</p>
${table('by-kind', ['kind', 'records'], countRows(e.volumes.by_kind))}
${table('by-use-case', ['use case', 'records'], countRows(e.volumes.by_use_case))}
${table('by-chain', ['chain', 'records'], countRows(e.volumes.by_chain))}
<h2>Policy results</h2>
${table('by-decision', ['decision', 'records'], countRows(e.policy.by_decision))}
${table(
  'by-control',
  ['control', 'findings', 'records', 'by action'],
  e.policy.by_control.map((c) => [
    c.control,
    c.findings,
    c.records,
    Object.entries(c.by_action)
      .map(([a, n]) => `${a} ${n}`)
      .join(', '),
  ]),
)}
<h2>Record keeping (EU AI Act Art. 12, 19, 26(6))</h2>
${table(
  'record-keeping',
  ['article', 'requirement', 'field', 'where', 'records with it'],
  e.record_keeping.map((r) => [r.article, r.requirement, r.field, r.where, r.records_with_field]),
)}
<h2>NIST AI RMF</h2>
${table(
  'nist-ai-rmf',
  ['function', 'controls', 'findings'],
  e.nist_ai_rmf.map((f) => [f.function, f.controls.join(', ') || '—', f.findings]),
)}
<h2>Reviews, fairness, purges and holds</h2>
${table('reviews', ['verdict', 'reviews'], countRows(e.reviews.by_verdict))}
<p>Fairness reviews: ${escapeHtml(e.fairness_reviews)}. Purge records: ${escapeHtml(e.purges)}. Legal holds: ${escapeHtml(e.legal_holds)}.</p>
<h2>Signed heads</h2>
${table(
  'heads',
  ['chain', 'size', 'root (hex)', 'signatures and cosignatures'],
  e.heads.chains.map((h) => [h.chain, h.size, h.root, h.signatures.join(', ')]),
)}
<p id="index">${
    e.heads.index
      ? `Index of chains #${escapeHtml(e.heads.index.n)}: ${escapeHtml(e.heads.index.chains)} chains, root ${escapeHtml(e.heads.index.root)}; signed by ${escapeHtml(e.heads.index.signatures.join(', '))}.`
      : 'No signed index of chains.'
  }</p>
</body></html>
`;
};
