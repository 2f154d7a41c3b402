/**
 * The `http-classifier` detector: a classifier the user runs (a Presidio analyser, an LLM
 * Guard scanner, their own model) called over HTTP for each inspected text. The request is
 * `POST url` with `{[text_field]: text, ...extra}`; the answer's list at `findings_path`
 * is mapped to spans through the field names given. An answer that is not JSON, or whose
 * list is missing or malformed, is an error (the rule's fail mode applies), never a pass.
 */
import * as z from 'zod';
import { valueAt } from './paths.ts';

/** The detector id rules select it by. */
export const HTTP_CLASSIFIER_ID = 'http-classifier';

/** Parameters of an `http-classifier` rule. */
export const httpClassifierParams = z.strictObject({
  url: z.url({ protocol: /^https?$/ }),
  /** Request headers (e.g. an authorization token for the classifier). */
  headers: z.record(z.string(), z.string()).default({}),
  /** Request field that carries the text. */
  text_field: z.string().min(1).default('text'),
  /** Fixed request fields, e.g. `{language: en}` for Presidio. */
  extra: z.record(z.string(), z.unknown()).default({}),
  response: z
    .strictObject({
      /** Dotted path of the list of findings in the answer; empty for the answer itself. */
      findings_path: z.string().default(''),
      entity_field: z.string().min(1).default('entity_type'),
      start_field: z.string().min(1).default('start'),
      end_field: z.string().min(1).default('end'),
      score_field: z.string().min(1).default('score'),
      /** Findings scored below this are dropped. */
      min_score: z.number().min(0).max(1).default(0),
    })
    .prefault({}),
});
export type HttpClassifierParams = z.output<typeof httpClassifierParams>;

/** A span as the classifier reported it (offsets optional: a whole-text verdict). */
export interface ClassifierMatch {
  readonly entity: string;
  readonly start?: number;
  readonly end?: number;
  readonly score?: number;
}

/** The classifier's answer was unusable (status, not JSON, wrong shape). */
export class ClassifierAnswerError extends Error {
  override readonly name = 'ClassifierAnswerError';
}

const numberOr = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;

/** Maps a parsed answer to spans; throws ClassifierAnswerError on a shape it cannot read. */
export const mapClassifierAnswer = (
  answer: unknown,
  params: HttpClassifierParams,
  textLength: number,
): ClassifierMatch[] => {
  const r = params.response;
  const list = r.findings_path === '' ? answer : valueAt(answer, r.findings_path);
  if (!Array.isArray(list)) {
    throw new ClassifierAnswerError(`answer has no list at "${r.findings_path || '(root)'}"`);
  }
  const matches: ClassifierMatch[] = [];
  for (const item of list) {
    const entity = valueAt(item, r.entity_field);
    if (typeof entity !== 'string' || entity === '') {
      throw new ClassifierAnswerError(`a finding has no string ${r.entity_field}`);
    }
    const score = numberOr(valueAt(item, r.score_field));
    if (score !== undefined && score < r.min_score) continue;
    const start = numberOr(valueAt(item, r.start_field));
    const end = numberOr(valueAt(item, r.end_field));
    const spanned =
      start !== undefined && end !== undefined && start >= 0 && end > start && end <= textLength;
    matches.push({
      entity,
      ...(spanned ? { start, end } : {}),
      ...(score === undefined ? {} : { score }),
    });
  }
  return matches;
};

/** Calls the classifier for one text; `signal` is the engine's timeout. */
export const classifyOverHttp = async (
  text: string,
  params: HttpClassifierParams,
  signal: AbortSignal,
  fetchImpl: typeof fetch = fetch,
): Promise<ClassifierMatch[]> => {
  const response = await fetchImpl(params.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...params.headers },
    body: JSON.stringify({ ...params.extra, [params.text_field]: text }),
    signal,
  });
  const raw = await response.text();
  if (!response.ok) throw new ClassifierAnswerError(`classifier answered ${response.status}`);
  let answer: unknown;
  try {
    answer = JSON.parse(raw);
  } catch {
    throw new ClassifierAnswerError('classifier answer is not JSON');
  }
  return mapClassifierAnswer(answer, params, text.length);
};
