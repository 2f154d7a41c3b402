/**
 * Break-glass watch: an EventBridge rule on the account's default bus that matches, from
 * CloudTrail, every `AssumeRole` of the break-glass role, every API call made with its
 * session, and every *refused* attempt to disable, delete or re-policy a KMS key (what the
 * key guard denies to everyone else: an insider trying), and sends the event (who, from
 * where, what) to the alert topic. Monitoring alarms on the rule firing, so each also
 * shows on the dashboard.
 *
 * EventBridge only receives "AWS API Call via CloudTrail" events where a trail logs
 * management events in this region; STS calls to the global endpoint are recorded in
 * us-east-1 (docs/DEPLOY.md, Operate).
 */
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { GUARDED_KEY_ACTIONS } from './key-guard.ts';

export interface BreakGlassWatchProps {
  /** The break-glass role ARN (KeyGuard.breakGlassRoleArn). */
  readonly roleArn: string;
  readonly topic: sns.ITopic;
}

/** The CloudTrail event pattern of a break-glass use (assumed, or acting) or of a refused
 * key administration call (any key of the region: CloudTrail names keys several ways). */
export const breakGlassPattern = (roleArn: string): events.EventPattern => ({
  detailType: ['AWS API Call via CloudTrail'],
  detail: {
    $or: [
      { eventName: ['AssumeRole'], requestParameters: { roleArn: [roleArn] } },
      { userIdentity: { sessionContext: { sessionIssuer: { arn: [roleArn] } } } },
      {
        eventSource: ['kms.amazonaws.com'],
        eventName: GUARDED_KEY_ACTIONS.map((action) => action.replace(/^kms:/, '')),
        errorCode: [{ exists: true }],
      },
    ],
  },
});

export class BreakGlassWatch extends Construct {
  public readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: BreakGlassWatchProps) {
    super(scope, id);
    this.rule = new events.Rule(this, 'Rule', {
      description:
        'Audit trail: the break-glass role was assumed or used, or a key administration call was refused (CloudTrail)',
      eventPattern: breakGlassPattern(props.roleArn),
    });
    this.rule.addTarget(new targets.SnsTopic(props.topic));
  }
}
