import type { Finding, LedgerRecord } from '#core/chain/record.ts';

/** Severities, weakest first. */
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Tags of queued events, as the seeds name them: every queued event needs a person
 * (`requires_human_judgment`); one the application or a reviewer escalated also carries
 * `escalation_review`. */
export const REQUIRES_HUMAN_JUDGMENT = 'requires_human_judgment';
export const ESCALATION_REVIEW = 'escalation_review';

/** Why and how urgently an event waits for a person. */
export interface QueueEntry {
  readonly severity: Severity;
  readonly reasons: readonly ('policy_flag' | 'policy_block' | 'low_confidence' | 'escalated')[];
  readonly tags: readonly string[];
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const numberAt = (v: unknown, ...keys: string[]): number | undefined => {
  if (!isRecord(v)) return undefined;
  for (const key of keys) if (typeof v[key] === 'number') return v[key] as number;
  return undefined;
};

/** A confidence below the threshold the event itself states (`confidence` or
 * `confidence_score`, top level, in `output` or `metadata`, against `confidence_threshold`
 * in the same places). Policy `threshold` rules report as findings instead. */
const belowOwnThreshold = (body: unknown): boolean => {
  if (!isRecord(body)) return false;
  const places = [body, body.output, body.metadata];
  const confidence = places
    .map((p) => numberAt(p, 'confidence', 'confidence_score'))
    .find((n) => n !== undefined);
  const threshold = places
    .map((p) => numberAt(p, 'confidence_threshold'))
    .find((n) => n !== undefined);
  return confidence !== undefined && threshold !== undefined && confidence < threshold;
};

/** The application asked for a person: `escalation: true`, `escalate: true`, or a tag
 * `escalation_review` in `tags` / `metadata.tags`. */
const escalatedByApp = (body: unknown): boolean => {
  if (!isRecord(body)) return false;
  const metadata = isRecord(body.metadata) ? body.metadata : {};
  const tags = [body.tags, metadata.tags].flatMap((t) => (Array.isArray(t) ? t : []));
  return (
    body.escalation === true ||
    body.escalate === true ||
    metadata.escalation === true ||
    tags.includes(ESCALATION_REVIEW)
  );
};

const strongest = (findings: readonly Finding[], floor: Severity): Severity => {
  let rank = SEVERITIES.indexOf(floor);
  for (const f of findings) rank = Math.max(rank, SEVERITIES.indexOf(f.severity));
  return SEVERITIES[rank] ?? floor;
};

/**
 * Whether an event enters the review queue, and with what severity and tags: a policy
 * decision of `flag` or `block`, a policy `threshold` finding, a confidence below the
 * event's own threshold, or an escalation by the application. Only events (inferences and
 * decisions) are queued; the product's own records never are.
 */
export const queueEntryOf = (
  record: Pick<LedgerRecord, 'kind' | 'policy' | 'body'>,
): QueueEntry | undefined => {
  if (record.kind !== 'inference' && record.kind !== 'decision') return undefined;
  const reasons: QueueEntry['reasons'][number][] = [];
  const { decision, findings } = record.policy;
  if (decision === 'flag') reasons.push('policy_flag');
  if (decision === 'block') reasons.push('policy_block');
  if (findings.some((f) => f.detector === 'threshold') || belowOwnThreshold(record.body)) {
    reasons.push('low_confidence');
  }
  const escalated = escalatedByApp(record.body);
  if (escalated) reasons.push('escalated');
  if (reasons.length === 0) return undefined;
  const floor: Severity = decision === 'block' ? 'high' : 'medium';
  return {
    severity: strongest(findings, floor),
    reasons,
    tags: escalated ? [REQUIRES_HUMAN_JUDGMENT, ESCALATION_REVIEW] : [REQUIRES_HUMAN_JUDGMENT],
  };
};
