/**
 * Break-glass watch: an EventBridge rule on the account's default bus that matches, from
 * CloudTrail, every `AssumeRole` of the break-glass role and every API call made with its
 * session, and sends the event (who, from where, what) to the alert topic. Monitoring
 * alarms on the rule firing, so each use also shows on the dashboard.
 *
 * EventBridge only receives "AWS API Call via CloudTrail" events where a trail logs
 * management events in this region; STS calls to the global endpoint are recorded in
 * us-east-1 (docs/DEPLOY.md, Operate).
 */
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

export interface BreakGlassWatchProps {
  /** The break-glass role ARN (KeyGuard.breakGlassRoleArn). */
  readonly roleArn: string;
  readonly topic: sns.ITopic;
}

/** The CloudTrail event pattern of a break-glass use: assumed, or acting. */
export const breakGlassPattern = (roleArn: string): events.EventPattern => ({
  detailType: ['AWS API Call via CloudTrail'],
  detail: {
    $or: [
      { eventName: ['AssumeRole'], requestParameters: { roleArn: [roleArn] } },
      { userIdentity: { sessionContext: { sessionIssuer: { arn: [roleArn] } } } },
    ],
  },
});

export class BreakGlassWatch extends Construct {
  public readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: BreakGlassWatchProps) {
    super(scope, id);
    this.rule = new events.Rule(this, 'Rule', {
      description: 'Audit trail: the break-glass role was assumed or used (CloudTrail)',
      eventPattern: breakGlassPattern(props.roleArn),
    });
    this.rule.addTarget(new targets.SnsTopic(props.topic));
  }
}
