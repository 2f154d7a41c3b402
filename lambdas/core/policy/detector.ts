import type { z } from 'zod';

/** One detected span in a text: UTF-16 offsets, `end` exclusive. */
export interface Match {
  /** Presidio-style entity name, e.g. `CREDIT_CARD`, `PERSON`, `HATE`. */
  readonly entity: string;
  readonly start: number;
  readonly end: number;
  /** Confidence in [0, 1] where the detector grades its matches. */
  readonly score?: number;
  /** Normalised value (e.g. digits only, lower-case e-mail) fed to the keyed hash, so that
   * two spellings of one value hash alike. Defaults to the matched text. */
  readonly canonical?: string;
}

/** Every non-empty match of a global regular expression, as spans of one entity. */
export const regexMatches = (text: string, re: RegExp, entity: string): Match[] => {
  const matches: Match[] = [];
  for (const m of text.matchAll(re)) {
    if (m[0].length > 0) matches.push({ entity, start: m.index, end: m.index + m[0].length });
  }
  return matches;
};

/** A finding about the event body as a whole (a missing field, a low confidence). */
export interface BodyMatch {
  readonly entity: string;
  /** Body path the finding concerns, e.g. `output.reason`. */
  readonly field: string;
  /** Short explanation; never holds a detected value. */
  readonly note: string;
}

/** A detector over one text: a pure function from text and parameters to spans. */
export interface TextDetector<P> {
  readonly id: string;
  readonly target: 'text';
  /** Validates the rule's `params` at load time; applies defaults. */
  readonly params: z.ZodType<P>;
  /** Whether `store: redacted` and the guardrail replace this detector's spans. */
  readonly redacts: boolean;
  readonly detect: (text: string, params: P) => Match[];
}

/** A detector over the event body (required fields, thresholds, model lists). */
export interface BodyDetector<P> {
  readonly id: string;
  readonly target: 'body';
  readonly params: z.ZodType<P>;
  readonly check: (body: unknown, params: P) => BodyMatch[];
}

/** A detector with its parameter type erased, as held by the registry. */
export type AnyDetector = TextDetector<unknown> | BodyDetector<unknown>;

/** Erases a text detector's parameter type; params reach it only after its own schema. */
export const textDetector = <P>(d: TextDetector<P>): AnyDetector => ({
  ...d,
  params: d.params as z.ZodType<unknown>,
  detect: (text, params) => d.detect(text, params as P),
});

/** Erases a body detector's parameter type; params reach it only after its own schema. */
export const bodyDetector = <P>(d: BodyDetector<P>): AnyDetector => ({
  ...d,
  params: d.params as z.ZodType<unknown>,
  check: (body, params) => d.check(body, params as P),
});
