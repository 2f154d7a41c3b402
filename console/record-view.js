/** A record's body with the policy's findings highlighted, and the findings table. */
import { h, table } from './dom.js';

/** Findings that are facts about the event, not values in it (redact-record.ts). */
const NOT_A_VALUE = new Set(['threshold', 'required-field', 'allowed-models']);

/** Every string, number or boolean leaf of a JSON value with its field path
 * (`input.messages[0].content`, the policy's path form). */
const leaves = (value, path = '') => {
  if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, `${path}[${i}]`));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => leaves(v, path === '' ? k : `${path}.${k}`));
  }
  return [{ path, value }];
};

const label = (f) => `[${f.entity ?? f.rule_id}]`;
const describe = (f) => `${f.rule_id}${f.controls?.length ? ` (${f.controls.join(', ')})` : ''}`;

/**
 * Where each finding sits in the text shown. In the raw view at its offsets; in the
 * redacted view at its `[ENTITY]` label, found by replaying the masking (spans in order,
 * each replaced by its label) so offsets shift by each label's length.
 */
const spansOf = (text, findings, view) => {
  const sorted = findings
    .filter((f) => f.start !== undefined && f.end !== undefined)
    .sort((a, b) => a.start - b.start);
  const spans = [];
  let at = 0;
  let shift = 0;
  for (const f of sorted) {
    const start = Math.max(f.start, at);
    if (f.end <= start) continue;
    if (view === 'raw') spans.push({ start, end: f.end, finding: f });
    else {
      const from = start + shift;
      spans.push({ start: from, end: from + label(f).length, finding: f });
      shift += label(f).length - (f.end - start);
    }
    at = f.end;
  }
  return spans.filter((s) => s.start >= 0 && s.end <= text.length);
};

const highlighted = (text, findings, view) => {
  const spans = spansOf(text, findings, view);
  const whole = findings.filter((f) => f.start === undefined || f.end === undefined);
  if (spans.length === 0 && whole.length > 0) {
    return h(
      'mark',
      { title: describe(whole[0]), 'data-rule': whole[0].rule_id },
      text,
      h('span', { class: 'rule' }, describe(whole[0])),
    );
  }
  const out = [];
  let at = 0;
  for (const { start, end, finding } of spans) {
    out.push(text.slice(at, start));
    out.push(
      h(
        'mark',
        { title: describe(finding), 'data-rule': finding.rule_id },
        text.slice(start, end),
        h('span', { class: 'rule' }, describe(finding)),
      ),
    );
    at = end;
  }
  out.push(text.slice(at));
  return out;
};

/** The body as field: value rows, with each finding marked where it is. */
export const bodyView = (record, findings, view) => {
  if (record.body === undefined) {
    return h(
      'p',
      {},
      record.body_enc
        ? 'The body is sealed and its keys are gone (purged or erased).'
        : 'No body is held for this record (purged or erased).',
    );
  }
  const byField = new Map();
  for (const f of findings) {
    if (f.field === undefined || NOT_A_VALUE.has(f.detector)) continue;
    byField.set(f.field, [...(byField.get(f.field) ?? []), f]);
  }
  return h(
    'dl',
    { class: 'body', 'data-view': view },
    leaves(record.body).flatMap(({ path, value }) => [
      h('dt', {}, path || '(value)'),
      h(
        'dd',
        {},
        typeof value === 'string'
          ? highlighted(value, byField.get(path) ?? [], view)
          : JSON.stringify(value),
      ),
    ]),
  );
};

/** The policy's findings: rule, control ids, where. */
export const findingsTable = (findings) =>
  findings.length === 0
    ? h('p', {}, 'The policy found nothing in this record.')
    : table(
        'Policy findings',
        ['Rule', 'Controls', 'Entity', 'Severity', 'Action', 'Field'],
        findings.map((f) =>
          h(
            'tr',
            {},
            h('td', {}, h('code', {}, f.rule_id), ' ', f.rule_name),
            h('td', {}, (f.controls ?? []).join(', ') || '—'),
            h('td', {}, f.entity ?? '—'),
            h('td', {}, f.severity),
            h('td', {}, f.action),
            h('td', {}, f.field ?? '—', f.start === undefined ? '' : ` @${f.start}–${f.end}`),
          ),
        ),
      );
