import type { Finding, PolicyDecision } from '#core/chain/record.ts';

/** Emitted for every record whose policy decision is flag or block. Holds no raw PII. */
export interface PolicyViolationAlert {
  readonly type: 'PolicyViolation';
  readonly event_id: string;
  readonly chain: string;
  readonly seq: number;
  readonly kind: string;
  readonly decision: PolicyDecision;
  readonly policy_version: string;
  readonly findings: readonly Finding[];
  readonly at: string;
}

/** The EventBridge event source and detail types of alerts on AWS (the alerts rule of
 * lib/constructs/alerts.ts matches them). */
export const ALERT_SOURCE = 'audit-trail';
export const ALERT_DETAIL_TYPE = 'PolicyViolation';
/** Detail type of fairness review alerts. */
export const FAIRNESS_DETAIL_TYPE = 'FairnessReview';

/** Raised by a fairness review whose thresholds were crossed (disparity, weekly rise). */
export interface FairnessReviewAlert {
  readonly type: 'FairnessReview';
  /** The review record's event id. */
  readonly event_id: string;
  readonly chain: string;
  readonly seq: number;
  readonly use_case: string | null;
  readonly window: { readonly from: string; readonly to: string };
  /** Archive key of the JSON report. */
  readonly report_key: string;
  /** One line per crossed threshold; holds group names and rates, never a decision body. */
  readonly reasons: readonly string[];
  readonly at: string;
}

export type Alert = PolicyViolationAlert | FairnessReviewAlert;

export interface AlertsPort {
  publish(alerts: readonly Alert[]): Promise<void>;
}
