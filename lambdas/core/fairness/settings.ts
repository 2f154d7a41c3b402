import * as z from 'zod';
import { FairnessSettingsError } from './errors.ts';
import type { FairnessOptions } from './options.ts';
import { parseAttribute } from './options.ts';

/**
 * What a scheduled review reviews, as the stack passes it to the review function
 * (`FAIRNESS_REVIEW`, JSON) from `protectedAttributes` and `fairnessReview` in lib/config.ts.
 */
export const reviewSettingsSchema = z.strictObject({
  /** Attribute paths, optionally bucketed: `inputs.age:25,40,60`. */
  attributes: z.array(z.string().min(1)).min(1),
  positiveDecisions: z.array(z.string().min(1)).min(1),
  positiveOutcomes: z.array(z.string().min(1)).min(1),
  minGroupSize: z.number().int().min(1),
  /** One review per use case; none: one review over every decision. */
  useCases: z.array(z.string().min(1)),
});
export type ReviewSettings = z.infer<typeof reviewSettingsSchema>;

/** Parses `FAIRNESS_REVIEW`. @throws Error naming what is wrong. */
export const parseReviewSettings = (json: string): ReviewSettings => {
  const parsed = reviewSettingsSchema.safeParse(JSON.parse(json));
  if (!parsed.success) {
    throw new FairnessSettingsError(
      `FAIRNESS_REVIEW: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  for (const attribute of parsed.data.attributes) parseAttribute(attribute);
  return parsed.data;
};

/** The reviews a scheduled run makes over one window: one per configured use case. */
export const scheduledReviews = (
  settings: ReviewSettings,
  window: { from: Date; to: Date },
): FairnessOptions[] => {
  const base = {
    ...window,
    attributes: settings.attributes.map(parseAttribute),
    positiveDecisions: settings.positiveDecisions,
    positiveOutcomes: settings.positiveOutcomes,
    minGroupSize: settings.minGroupSize,
  };
  return settings.useCases.length === 0
    ? [base]
    : settings.useCases.map((useCase) => ({ ...base, useCase }));
};
