/**
 * What a review reads from decision and outcome bodies. Decision logs vary (seed 2 puts the
 * decision in `output.decision` and the reason in `output.reason`); these are the places
 * looked at, documented in docs/FAIRNESS.md.
 */
import type { Finding } from '#core/chain/record.ts';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const scalarText = (value: unknown): string | undefined =>
  typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : undefined;

/** The decision value: `output.decision`, else `decision`, else a scalar `output`. */
export const decisionValue = (body: unknown): string | undefined => {
  if (!isRecord(body)) return undefined;
  const output = body.output;
  return (
    (isRecord(output) ? scalarText(output.decision) : undefined) ??
    scalarText(body.decision) ??
    scalarText(output)
  );
};

/** The reason given: `output.reason`, else `reason`. */
export const decisionReason = (body: unknown): string | undefined => {
  if (!isRecord(body)) return undefined;
  const output = body.output;
  return (
    (isRecord(output) && typeof output.reason === 'string' ? output.reason : undefined) ??
    (typeof body.reason === 'string' ? body.reason : undefined)
  );
};

const HIGH = new Set(['high', 'critical']);

/** High severity: a high/critical policy finding, a blocked decision, or the client's own
 * `severity` / `metadata.severity` of high or critical. */
export const isHighSeverity = (
  body: unknown,
  findings: readonly Finding[],
  blocked: boolean,
): boolean => {
  if (blocked || findings.some((f) => HIGH.has(f.severity))) return true;
  if (!isRecord(body)) return false;
  const own =
    scalarText(body.severity) ??
    (isRecord(body.metadata) ? scalarText(body.metadata.severity) : undefined);
  return own !== undefined && HIGH.has(own.toLowerCase());
};

/** An outcome body's value (`outcome`) as text. */
export const outcomeValue = (body: unknown): string | undefined =>
  isRecord(body) ? scalarText(body.outcome) : undefined;

/** The decision an outcome body concerns. */
export const outcomeDecisionId = (body: unknown): string | undefined =>
  isRecord(body) && typeof body.decision_id === 'string' ? body.decision_id : undefined;

/** An outcome body's `observed_at` in ms since the epoch (NaN when absent or bad). */
export const outcomeObservedAt = (body: unknown): number =>
  isRecord(body) && typeof body.observed_at === 'string'
    ? Date.parse(body.observed_at)
    : Number.NaN;

/** A value-set matcher: case-insensitive text equality. */
export const matcher = (values: readonly string[]): ((value: string | undefined) => boolean) => {
  const set = new Set(values.map((v) => v.toLowerCase()));
  return (value) => value !== undefined && set.has(value.toLowerCase());
};
