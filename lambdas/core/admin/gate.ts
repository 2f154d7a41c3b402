/**
 * The go/no-go gate: the policy run over a candidate model's recorded evaluation outputs
 * (one event per line, in the ingest schema), counted per finding type, and compared with
 * limits (`TYPE=N`: a finding entity such as CREDIT_CARD, a rule id, BLOCK / FLAG for
 * events with that decision, or FAIRNESS for protected attributes with a disparity, when the
 * lines carry groups and outcomes). Without limits, any blocked event is a no-go. The result is
 * an `assessment` record on the admin chain that a deployment can cite.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Submitter } from '#core/access/roles.ts';
import type { LedgerRecord } from '#core/chain/record.ts';
import { AuditTrailError } from '#core/errors.ts';
import { normalise } from '#core/events/normalise.ts';
import { computeReview } from '#core/fairness/compute-review.ts';
import {
  DEFAULT_POSITIVE_DECISIONS,
  DEFAULT_POSITIVE_OUTCOMES,
  DEFAULT_PROTECTED_ATTRIBUTES,
} from '#core/fairness/options.ts';
import type { RecordWriterDeps } from '#core/pipeline/append-records.ts';
import { expandChecks } from '#core/policy/checks.ts';
import type { PolicyEngine } from '#ports/policy-engine.ts';
import { appendAdmin } from './admin-chain.ts';

/** The candidate file cannot be assessed (exit 2): a line is not JSON or not an event. */
export class GateInputError extends AuditTrailError {
  override readonly name = 'GateInputError';
  readonly code = 'invalid_request';
}

/** The default limit: no blocked event. */
export const DEFAULT_LIMITS: Readonly<Record<string, number>> = { BLOCK: 0 };

/** Parses `TYPE=N` limits. Throws GateInputError. */
export const parseLimits = (specs: readonly string[]): Record<string, number> => {
  const limits: Record<string, number> = {};
  for (const spec of specs) {
    const m = /^([A-Za-z0-9._-]+)=(\d+)$/.exec(spec);
    if (m === null) throw new GateInputError(`--max-findings ${spec}: expected TYPE=N`);
    limits[m[1] as string] = Number(m[2]);
  }
  return limits;
};

/** What a gate run found and decided: the body of an `assessment` record. */
export interface Assessment {
  readonly action: 'assessment.record';
  readonly assessment_id: string;
  readonly use_case: string;
  /** Hex SHA-256 of the candidate file's bytes. */
  readonly candidate_sha256: string;
  readonly policy_version: string;
  readonly events: number;
  readonly decisions: { readonly pass: number; readonly flag: number; readonly block: number };
  /** Findings per entity and per rule id, plus BLOCK / FLAG event counts. */
  readonly counts: Readonly<Record<string, number>>;
  readonly limits: Readonly<Record<string, number>>;
  /** Each limit exceeded: `TYPE: count > N`. */
  readonly exceeded: readonly string[];
  /** Checks that errored or timed out (their fail mode is in the counts). */
  readonly failed_checks: number;
  /** The fairness statistics' verdict per protected attribute the decisions carry (the
   * weekly review's defaults), with outcomes where the lines hold them. */
  readonly fairness?: readonly {
    readonly attribute: string;
    readonly verdict: string;
    readonly findings: readonly string[];
  }[];
  readonly verdict: 'go' | 'no-go';
}

/** Runs the policy over a candidate file (JSON lines). Throws GateInputError. */
export const runGate = async (
  candidate: string,
  options: {
    readonly useCase: string;
    readonly limits?: Readonly<Record<string, number>>;
    readonly engine: PolicyEngine;
    readonly now: Date;
  },
): Promise<Assessment> => {
  const limits =
    options.limits === undefined || Object.keys(options.limits).length === 0
      ? DEFAULT_LIMITS
      : options.limits;
  const lines = candidate.split('\n');
  const counts: Record<string, number> = {};
  const decisions = { pass: 0, flag: 0, block: 0 };
  const bump = (key: string) => {
    counts[key] = (counts[key] ?? 0) + 1;
  };
  let events = 0;
  let failedChecks = 0;
  // Decisions and outcomes as records, for the fairness statistics.
  const records: LedgerRecord[] = [];
  for (const [i, line] of lines.entries()) {
    if (line.trim() === '') continue;
    let payload: unknown;
    try {
      payload = JSON.parse(line);
    } catch {
      throw new GateInputError(`line ${i + 1}: not JSON`);
    }
    if (typeof payload === 'object' && payload !== null && !Array.isArray(payload)) {
      payload = { use_case: options.useCase, ...payload };
    }
    const normalised = normalise({
      v: 1,
      route: 'log',
      request_id: `gate-${i + 1}`,
      received_at: options.now.toISOString(),
      payload,
    });
    if (!normalised.ok) {
      const [p] = normalised.problems;
      throw new GateInputError(`line ${i + 1}: ${p?.path ? `${p.path}: ` : ''}${p?.message}`);
    }
    const { event } = normalised;
    const at = options.now.toISOString();
    const record = (kind: LedgerRecord['kind'], policy: LedgerRecord['policy']): LedgerRecord => ({
      chain: 'gate',
      seq: records.length,
      kind,
      event_id: event.event_id,
      ingested_at: at,
      body_hash: '',
      policy,
      ...(event.ref === undefined ? {} : { ref: event.ref }),
      prev: '',
      hash: '',
      body: event.body,
    });
    if (event.kind === 'outcome') {
      records.push(record('outcome', { version: 'none', decision: 'pass', findings: [] }));
      continue;
    }
    const { result } = await options.engine.evaluate(event);
    if (event.kind === 'decision') records.push(record('decision', result));
    events += 1;
    decisions[result.decision] += 1;
    if (result.decision !== 'pass') bump(result.decision.toUpperCase());
    for (const f of result.findings) {
      if (f.entity !== undefined) bump(f.entity);
      if (f.entity !== f.rule_id) bump(f.rule_id);
    }
    failedChecks += expandChecks(result.checks).filter(
      (c) => c.status === 'error' || c.status === 'timeout',
    ).length;
  }
  if (events === 0) throw new GateInputError('the candidate file holds no events');
  const fairness = await fairnessOf(records, options.useCase, options.now);
  if (fairness.length > 0) {
    counts.FAIRNESS = fairness.filter((f) => f.verdict === 'disparity').length;
  }
  const exceeded = Object.entries(limits)
    .filter(([type, max]) => (counts[type] ?? 0) > max)
    .map(([type, max]) => `${type}: ${counts[type]} > ${max}`);
  return {
    action: 'assessment.record',
    assessment_id: `asm_${randomUUID()}`,
    use_case: options.useCase,
    candidate_sha256: createHash('sha256').update(candidate).digest('hex'),
    policy_version: options.engine.version,
    events,
    decisions,
    counts,
    limits,
    exceeded,
    failed_checks: failedChecks,
    ...(fairness.length === 0 ? {} : { fairness }),
    verdict: exceeded.length === 0 ? 'go' : 'no-go',
  };
};

/** The fairness review over the candidate's decisions, per attribute they carry. */
const fairnessOf = async (
  records: readonly LedgerRecord[],
  useCase: string,
  now: Date,
): Promise<NonNullable<Assessment['fairness']>> => {
  if (!records.some((r) => r.kind === 'decision')) return [];
  const report = await computeReview(
    {
      async *records() {
        yield* records;
      },
    },
    {
      useCase,
      from: new Date(0),
      to: new Date(now.getTime() + 1),
      attributes: DEFAULT_PROTECTED_ATTRIBUTES.map((path) => ({ path })),
      positiveDecisions: DEFAULT_POSITIVE_DECISIONS,
      positiveOutcomes: DEFAULT_POSITIVE_OUTCOMES,
    },
    now,
  );
  return report.attributes.map((a) => ({
    attribute: a.attribute,
    verdict: a.verdict,
    findings: a.findings,
  }));
};

const isCount = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;

/** Checks an assessment sent to `POST /v1/assessments`. Throws GateInputError. */
export const parseAssessment = (raw: unknown): Assessment => {
  const a = raw as Partial<Assessment> | null;
  const ok =
    a !== null &&
    typeof a === 'object' &&
    a.action === 'assessment.record' &&
    typeof a.assessment_id === 'string' &&
    /^asm_[0-9a-f-]{36}$/.test(a.assessment_id) &&
    typeof a.use_case === 'string' &&
    a.use_case !== '' &&
    typeof a.candidate_sha256 === 'string' &&
    /^[0-9a-f]{64}$/.test(a.candidate_sha256) &&
    typeof a.policy_version === 'string' &&
    isCount(a.events) &&
    typeof a.decisions === 'object' &&
    typeof a.counts === 'object' &&
    typeof a.limits === 'object' &&
    Array.isArray(a.exceeded) &&
    isCount(a.failed_checks) &&
    (a.verdict === 'go' || a.verdict === 'no-go');
  if (!ok) throw new GateInputError('send the assessment that audit-trail gate --json prints');
  return a as Assessment;
};

/** Records an assessment on the admin chain. */
export const recordAssessment = async (
  assessment: Assessment,
  actor: Submitter | undefined,
  deps: RecordWriterDeps,
): Promise<LedgerRecord | undefined> => {
  const { appended } = await appendAdmin(
    [{ kind: 'assessment', event_id: assessment.assessment_id, body: assessment, actor }],
    deps,
  );
  return appended[0];
};
