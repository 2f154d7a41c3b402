/**
 * Every rule's outcome for one event: whether it ran, was skipped (and why), or failed with
 * an error or a timeout, and which fail mode (`on_error`) was applied. A failed check never
 * fails the batch and never passes silently: it is listed here and, unless its fail mode is
 * `pass`, adds a finding with the fail mode as its action.
 */
import type { Finding, PolicyDecision, RuleCheck, StoredCheck } from '#core/chain/record.ts';
import type { PolicyRule } from './schema.ts';

export type { RuleCheck, StoredCheck } from '#core/chain/record.ts';

/** A check as a record stores it: a rule that ran is its bare id (`{rule_id, status:
 * "ran"}` for each would add ~700 bytes per envelope of the default policy, bare ids ~300). */
export const storedCheck = (check: RuleCheck): StoredCheck =>
  check.status === 'ran' ? check.rule_id : check;

/** A record's checks as the guardrail lists them: a bare id is a rule that ran. Older
 * records list only the rules that did not run; their other rules ran. */
export const expandChecks = (checks: readonly StoredCheck[] | undefined): RuleCheck[] =>
  (checks ?? []).map((c) => (typeof c === 'string' ? { rule_id: c, status: 'ran' } : c));

/** The fail mode of a rule: its `on_error`, else `block` for a blocking rule, else `flag`. */
export const failModeOf = (rule: PolicyRule): PolicyDecision =>
  rule.on_error ?? (rule.action === 'block' ? 'block' : 'flag');

/** Raised by the engine's timer when an asynchronous check outlives its `timeout_ms`. */
export class CheckTimeoutError extends Error {
  override readonly name = 'CheckTimeoutError';
}

/** `timeout` for the engine's timer and for fetch's own abort; `error` for anything else. */
export const failureStatus = (error: unknown): 'error' | 'timeout' =>
  error instanceof CheckTimeoutError ||
  (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'))
    ? 'timeout'
    : 'error';

/** A short, value-free description of a failure (no detected text is ever in it). */
export const failureMessage = (error: unknown): string => {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
};

/** The check of a rule that failed, with its fail mode. */
export const failedCheck = (rule: PolicyRule, error: unknown): RuleCheck => ({
  rule_id: rule.id,
  status: failureStatus(error),
  error: failureMessage(error),
  fail_mode: failModeOf(rule),
});

/** The finding a failed check adds (none for fail mode `pass`). */
export const failureFinding = (rule: PolicyRule, check: RuleCheck): Finding[] =>
  check.fail_mode === undefined || check.fail_mode === 'pass'
    ? []
    : [
        {
          rule_id: rule.id,
          rule_name: rule.name,
          detector: rule.detector,
          entity: check.status === 'timeout' ? 'CHECK_TIMEOUT' : 'CHECK_ERROR',
          severity: rule.severity,
          action: check.fail_mode,
          snippet: check.error ?? check.status,
          controls: rule.controls,
        },
      ];

/**
 * Runs an asynchronous check under a timeout: the signal aborts the work (fetch honours
 * it), and the promise rejects with CheckTimeoutError when the time is up.
 */
export const withTimeout = <T>(
  timeoutMs: number,
  run: (signal: AbortSignal) => Promise<T>,
): Promise<T> => {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new CheckTimeoutError(`no answer within ${timeoutMs} ms`);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
    timer.unref?.();
  });
  return Promise.race([run(controller.signal), expired]).finally(() => clearTimeout(timer));
};
