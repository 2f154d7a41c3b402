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

/** The EventBridge event source and detail type of alerts on AWS (the alerts rule of
 * lib/constructs/alerts.ts matches them). */
export const ALERT_SOURCE = 'audit-trail';
export const ALERT_DETAIL_TYPE = 'PolicyViolation';

export interface AlertsPort {
  publish(alerts: readonly PolicyViolationAlert[]): Promise<void>;
}
