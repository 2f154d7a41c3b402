import * as z from 'zod';
import { AuditTrailError } from '#core/errors.ts';
import type { ManagedDetectorId } from './detectors/registry.ts';

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
export class ManagedDetectorUnavailableError extends AuditTrailError {
  readonly code = 'managed_detector_unavailable';
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
