import * as z from 'zod';
import type { ManagedDetectorId } from './detectors/registry.ts';

/** A managed detector's finding: a span where the service gives one, else the whole text. */
export interface ManagedMatch {
  readonly entity: string;
  readonly start?: number;
  readonly end?: number;
  readonly score?: number;
}

/** Which side of the model a text is on, for services that treat them differently. */
export type Direction = 'input' | 'output';

/**
 * A detector backed by a managed service (Amazon Comprehend, Bedrock Guardrails), injected
 * by the deployment. Its parameters come from the rule, already validated.
 */
export interface ManagedDetector {
  detect(
    text: string,
    params: Readonly<Record<string, unknown>>,
    direction: Direction,
  ): Promise<readonly ManagedMatch[]>;
}

/** The managed detectors a deployment provides, by id. */
export type ManagedDetectors = Readonly<Partial<Record<ManagedDetectorId, ManagedDetector>>>;

/** Rule parameters of the managed detectors, validated at policy load. */
export const MANAGED_PARAMS: Readonly<
  Record<ManagedDetectorId, z.ZodType<Record<string, unknown>>>
> = {
  'comprehend-pii': z.strictObject({
    /** Comprehend entity types to report (e.g. `SSN`, `NAME`); all when absent. */
    entities: z
      .array(z.string().regex(/^[A-Z_]+$/))
      .min(1)
      .optional(),
    min_score: z.number().min(0).max(1).default(0.8),
    language: z
      .enum(['en', 'es', 'de', 'fr', 'it', 'pt', 'ar', 'hi', 'ja', 'ko', 'zh', 'zh-TW'])
      .default('en'),
  }),
  'bedrock-guardrail': z.strictObject({}),
};

/** Raised when a policy selects a managed detector the deployment did not provide. */
export class ManagedDetectorUnavailableError extends Error {
  override readonly name = 'ManagedDetectorUnavailableError';
  readonly detector: string;
  readonly ruleId: string;
  constructor(detector: string, ruleId: string) {
    super(
      `rule ${ruleId} selects managed detector ${detector}, which this deployment does not provide`,
    );
    this.detector = detector;
    this.ruleId = ruleId;
  }
}
