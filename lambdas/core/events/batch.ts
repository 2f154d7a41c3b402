import { problemsFromIssues } from '#core/events/issues.ts';
import type { Problem } from '#core/events/problem.ts';
import { batchEnvelopeSchema } from '#core/events/schema.ts';

/** What `parseBatch` answers: the raw events to normalise one by one, or the problems. */
export type BatchResult =
  | { readonly ok: true; readonly events: readonly unknown[] }
  | { readonly ok: false; readonly problems: Problem[] };

/**
 * Checks a batch's outer shape (`{ events: [...] }`, 1..500 items) without judging the
 * items, so the batch route can answer per event: normalise each item and re-root its
 * problems with `prefixProblems(\`events[${i}]\`, problems)`.
 */
export function parseBatch(body: unknown): BatchResult {
  const parsed = batchEnvelopeSchema.safeParse(body);
  if (!parsed.success)
    return { ok: false, problems: problemsFromIssues(parsed.error.issues, body) };
  return { ok: true, events: parsed.data.events };
}
