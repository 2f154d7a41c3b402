import type { Finding, LedgerRecord } from '#core/chain/record.ts';
import { parsePath } from '#core/policy/paths.ts';

/** Findings that are facts about the event, not values in it: nothing to mask. */
const NOT_A_VALUE = new Set(['threshold', 'required-field', 'allowed-models']);

const isContainer = (v: unknown): v is Record<string | number, unknown> =>
  typeof v === 'object' && v !== null;

/** Deep copy of a JSON value (bodies are JSON: parsed or about to be serialised). */
const copy = (v: unknown): unknown => (v === undefined ? undefined : structuredClone(v));

/** `text` with each span replaced by its label; overlapping spans merged. */
const maskSpans = (
  text: string,
  spans: readonly { start: number; end: number; label: string }[],
) => {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const span of sorted) {
    const start = Math.max(span.start, at);
    const end = Math.min(span.end, text.length);
    if (end <= start) continue;
    out += `${text.slice(at, start)}${span.label}`;
    at = end;
  }
  return out + text.slice(at);
};

/** A rejected record's problems may quote what was received (the input was never
 * checked by the policy): the redacted view drops those quotes. */
const redactRejection = (record: LedgerRecord): LedgerRecord => {
  const body = record.body as { problems?: unknown };
  if (!isContainer(body) || !Array.isArray(body.problems)) return record;
  const problems = body.problems.map((p: unknown) => {
    if (!isContainer(p)) return p;
    const { received: _received, ...rest } = p as Record<string, unknown>;
    return rest;
  });
  return { ...record, body: { ...body, problems } };
};

/**
 * A record as readers see it by default: every span the policy found (PII, secrets, …) in
 * a body field replaced by `[ENTITY]`; a finding in a field without offsets masks the
 * whole field. Findings never hold the values, so this is all the policy's findings can
 * hide; a body the policy stored redacted is already de-identified.
 */
export const redactRecord = (record: LedgerRecord): LedgerRecord => {
  if (record.body === undefined) return record;
  if (record.kind === 'rejected') return redactRejection(record);
  const byField = new Map<string, Finding[]>();
  for (const f of record.policy.findings) {
    if (f.field === undefined || NOT_A_VALUE.has(f.detector)) continue;
    const list = byField.get(f.field) ?? [];
    list.push(f);
    byField.set(f.field, list);
  }
  if (byField.size === 0) return record;
  const body = copy(record.body);
  for (const [field, findings] of byField) {
    const path = parsePath(field);
    const last = path.pop();
    let parent: unknown = body;
    for (const key of path) parent = isContainer(parent) ? parent[key] : undefined;
    if (last === undefined || !isContainer(parent) || !(last in parent)) continue;
    const value = parent[last];
    const label = (f: Finding) => `[${f.entity ?? f.rule_id}]`;
    const spans = findings.flatMap((f) =>
      f.start !== undefined && f.end !== undefined
        ? [{ start: f.start, end: f.end, label: label(f) }]
        : [],
    );
    if (typeof value === 'string' && spans.length === findings.length) {
      parent[last] = maskSpans(value, spans);
    } else {
      parent[last] = label(findings[0] as Finding);
    }
  }
  return { ...record, body };
};
