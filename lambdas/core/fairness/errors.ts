import { AuditTrailError } from '#core/errors.ts';

/** A review's settings are invalid (an attribute spec, the scheduled review's JSON). */
export class FairnessSettingsError extends AuditTrailError {
  override readonly name = 'FairnessSettingsError';
  readonly code = 'fairness_settings_invalid';
}

/** A review could not be computed or put on the record as it must be. */
export class FairnessReviewError extends AuditTrailError {
  override readonly name = 'FairnessReviewError';
  readonly code = 'fairness_review_failed';
}
