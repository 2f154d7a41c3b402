import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseReviewSettings } from '#core/fairness/settings.ts';
import type { AuditTrailStack } from '#lib/audit-trail-stack.ts';
import { FairnessReview } from '#lib/constructs/fairness-review.ts';
import { buildStack, FAIRNESS_REVIEW, templateOf } from '#test/infra/support.ts';

let stack: AuditTrailStack;
let template: Template;

beforeAll(() => {
  stack = buildStack({
    config: FAIRNESS_REVIEW,
  }).stack;
  template = templateOf(stack);
});

/** Every statement of the IAM policies attached to a role, by the role's logical id. */
const statementsOf = (roleId: string): { Action: string | string[]; Resource: unknown }[] =>
  Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties.Roles).includes(`"${roleId}"`))
    .flatMap((p) => p.Properties.PolicyDocument.Statement);

const actions = (statements: { Action: string | string[] }[]): string[] =>
  statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));

describe('scheduled fairness review', () => {
  it('runs from an EventBridge Scheduler schedule with the configured expression', () => {
    const fnId = stack.getLogicalId(stack.fairnessReview.function.node.defaultChild as never);
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 7 ? * TUE *)',
      State: 'ENABLED',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: Match.objectLike({
        Arn: { 'Fn::GetAtt': [fnId, 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
        DeadLetterConfig: { Arn: Match.anyValue() },
      }),
    });
  });

  it('passes the configured attributes, values and use cases to the function', () => {
    const fn = template.findResources('AWS::Lambda::Function', {
      Properties: { Description: Match.stringLikeRegexp('fairness review') },
    });
    const env = Object.values(fn)[0]?.Properties.Environment.Variables;
    expect(parseReviewSettings(env.FAIRNESS_REVIEW)).toEqual({
      attributes: ['gender', 'inputs.age:25,40,60'],
      positiveDecisions: ['approve'],
      positiveOutcomes: ['repaid'],
      minGroupSize: 30,
      useCases: ['loan'],
    });
    expect(env).toMatchObject({
      LEDGER_CHAINS_INDEX: 'chains',
      ALERTS_BUS: { Ref: expect.any(String) },
    });
  });

  it('lets the scheduler role invoke this function only', () => {
    const roleId = stack.getLogicalId(
      stack.fairnessReview.schedulerRole.node.defaultChild as never,
    );
    const statements = statementsOf(roleId);
    expect(actions(statements).filter((a) => a !== 'sqs:SendMessage')).toEqual([
      'lambda:InvokeFunction',
    ]);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({
        Statement: [
          Match.objectLike({
            Principal: { Service: 'scheduler.amazonaws.com' },
            Condition: Match.anyValue(),
          }),
        ],
      }),
    });
  });

  it('reads the ledger by key only: no Scan, no update or delete of records', () => {
    const roleId = stack.getLogicalId(
      stack.fairnessReview.function.role?.node.defaultChild as never,
    );
    const granted = actions(statementsOf(roleId));
    expect(granted).toEqual(
      expect.arrayContaining(['dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:PutItem']),
    );
    expect(granted).not.toContain('dynamodb:Scan');
    expect(granted).not.toContain('dynamodb:DeleteItem');
    expect(granted).not.toContain('s3:DeleteObject');
    expect(granted).toContain('events:PutEvents');
    // UpdateItem only on bookkeeping items, as the checkpointer.
    const update = statementsOf(roleId).find((s) =>
      actions([s]).includes('dynamodb:UpdateItem'),
    ) as unknown as {
      Condition: unknown;
    };
    expect(JSON.stringify(update.Condition)).toContain('dynamodb:LeadingKeys');
  });

  it('refuses a schedule EventBridge would not take', () => {
    const { stack: other } = buildStack();
    expect(
      () =>
        new FairnessReview(other, 'F', {
          ledger: other.ledger,
          archive: other.archive,
          alertsBus: other.alerts.bus,
          logsKey: other.fairnessReview.deadLetterQueue.encryptionMasterKey as never,
          schedule: 'every monday',
          settings: parseReviewSettings(
            JSON.stringify({
              attributes: ['gender'],
              positiveDecisions: ['a'],
              positiveOutcomes: ['b'],
              minGroupSize: 1,
              useCases: [],
            }),
          ),
        }),
    ).toThrow(/rate\(…\) or cron\(…\)/);
  });
});
