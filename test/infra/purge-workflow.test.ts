/**
 * The purge workflow in the synthesized stack: a valid ASL definition (asl-validator), the
 * daily schedule, retries with backoff, bounded Map concurrency, a failure path with an
 * alarm, and the purge role as the only principal that may delete body keys or ledger items.
 */
import { createRequire } from 'node:module';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { PurgeWorkflow } from '#lib/constructs/purge-workflow.ts';
import { buildStack, templateOf } from '#test/infra/support.ts';

type AslValidator = (definition: unknown) => {
  isValid: boolean;
  errorsText: (sep?: string) => string;
};
const aslValidator = createRequire(import.meta.url)('asl-validator') as AslValidator;

interface State {
  readonly Type: string;
  readonly Retry?: { ErrorEquals: string[]; BackoffRate?: number; MaxAttempts?: number }[];
  readonly Catch?: { Next: string }[];
  readonly MaxConcurrency?: number;
  readonly ItemProcessor?: { States: Record<string, State> };
  readonly Next?: string;
}

const PSEUDO: Record<string, string> = {
  'AWS::Partition': 'aws',
  'AWS::Region': 'us-east-1',
  'AWS::AccountId': '123456789012',
};
const placeholder = (token: unknown): string =>
  PSEUDO[(token as { Ref?: string }).Ref ?? ''] ??
  'arn:aws:lambda:us-east-1:123456789012:function:purge';

/** The definition with every CloudFormation token replaced by a placeholder ARN. */
const definitionOf = (template: Template): { StartAt: string; States: Record<string, State> } => {
  const machine = Object.values(template.findResources('AWS::StepFunctions::StateMachine'))[0] as {
    Properties: { DefinitionString: { 'Fn::Join': [string, unknown[]] } | string };
  };
  const body = machine.Properties.DefinitionString;
  const text =
    typeof body === 'string'
      ? body
      : body['Fn::Join'][1]
          .map((part) => (typeof part === 'string' ? part : placeholder(part)))
          .join('');
  return JSON.parse(text);
};

let template: Template;
let definition: ReturnType<typeof definitionOf>;
let purgeRoleId: string;

beforeAll(() => {
  const { stack } = buildStack();
  template = templateOf(stack);
  definition = definitionOf(template);
  purgeRoleId = stack.getLogicalId(stack.purge.function.role?.node.defaultChild as never);
});

describe('purge state machine', () => {
  it('is valid ASL', () => {
    const result = aslValidator(definition);
    expect(result.errorsText('\n')).toBe('');
    expect(result.isValid).toBe(true);
  });

  it('plans, branches on dry run, maps receipts per chain with bounded concurrency, finishes, emits PurgeCompleted', () => {
    expect(definition.StartAt).toBe('Plan');
    expect(definition.States['DryRun?']?.Type).toBe('Choice');
    const map = definition.States.ReceiptPerChain as State;
    expect(map.Type).toBe('Map');
    expect(map.MaxConcurrency).toBe(4);
    expect(map.Next).toBe('Finish');
    expect(definition.States.Finish?.Next).toBe('PurgeCompleted');
    expect(definition.States.Failed?.Type).toBe('Fail');
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      DefinitionString: Match.objectLike({
        'Fn::Join': Match.arrayWith([Match.arrayWith([Match.stringLikeRegexp('PurgeCompleted')])]),
      }),
    });
  });

  it('retries every task with backoff and catches what still fails', () => {
    const tasks = [
      ...Object.values(definition.States),
      ...Object.values(map().ItemProcessor?.States ?? {}),
    ].filter((s) => s.Type === 'Task');
    expect(tasks.length).toBe(5);
    for (const task of tasks) {
      expect(task.Retry?.[0]).toMatchObject({
        ErrorEquals: ['States.ALL'],
        BackoffRate: 2,
        MaxAttempts: 4,
      });
    }
    for (const name of ['Plan', 'ReceiptPerChain', 'Finish']) {
      expect(definition.States[name]?.Catch?.[0]?.Next, name).toBe('Failed');
    }
  });

  it('is started daily by EventBridge Scheduler, and a failed run raises an alarm', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(15 2 * * ? *)',
      Target: Match.objectLike({ Input: '{"dry_run":false}' }),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ExecutionsFailed',
      Namespace: 'AWS/States',
      AlarmActions: Match.anyValue(),
    });
  });
});

describe('the purge role', () => {
  it('is the only principal the key table lets delete or update items', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: false },
      ResourcePolicy: {
        PolicyDocument: {
          Statement: [
            Match.objectLike({
              Effect: 'Deny',
              Action: Match.arrayWith(['dynamodb:DeleteItem', 'dynamodb:UpdateItem']),
              Condition: {
                ArnNotEquals: { 'aws:PrincipalArn': { 'Fn::GetAtt': [purgeRoleId, 'Arn'] } },
              },
            }),
          ],
        },
      },
    });
  });

  it('is the only principal the ledger lets delete items', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: Match.arrayWith([{ AttributeName: 'chain', KeyType: 'HASH' }]),
      ResourcePolicy: {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Sid: 'ItemsAreNeverDeleted',
              Condition: {
                ArnNotEquals: { 'aws:PrincipalArn': { 'Fn::GetAtt': [purgeRoleId, 'Arn'] } },
              },
            }),
          ]),
        },
      },
    });
  });

  it('lets the processor create body keys and the readers read them, none of them delete', () => {
    const { stack } = buildStack();
    const t = templateOf(stack);
    const tableId = stack.getLogicalId(stack.purge.keysTable.node.defaultChild as never);
    const idOf = (fn: { role?: unknown }) =>
      stack.getLogicalId((fn.role as { node: { defaultChild: never } }).node.defaultChild);
    /** The DynamoDB actions a role's policies allow on the key table. */
    const keyActions = (roleId: string): string[] =>
      Object.values(t.findResources('AWS::IAM::Policy'))
        .filter((p) => JSON.stringify(p.Properties.Roles).includes(`"${roleId}"`))
        .flatMap(
          (p) =>
            p.Properties.PolicyDocument.Statement as {
              Action: string | string[];
              Resource: unknown;
            }[],
        )
        .filter((st) => JSON.stringify(st.Resource).includes(`"${tableId}"`))
        .flatMap((st) => (Array.isArray(st.Action) ? st.Action : [st.Action]))
        .sort();
    expect(keyActions(idOf(stack.processor.function))).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
    ]);
    for (const reader of [stack.ingestApi.queryFunction, stack.fairnessReview.function]) {
      expect(keyActions(idOf(reader))).toEqual(['dynamodb:BatchGetItem', 'dynamodb:GetItem']);
    }
    const tableRef = { Ref: tableId };
    t.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('Kinesis to policy'),
      Environment: {
        Variables: Match.objectLike({
          BODY_KEYS_TABLE: tableRef,
          RETENTION_RULES: Match.stringLikeRegexp('"retentionDays":\\{"inference":365'),
        }),
      },
    });
  });

  it('lets the purge role set and clear S3 Object Lock legal holds on archive objects', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: purgeRoleId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Action: Match.arrayWith(['s3:GetObjectLegalHold', 's3:PutObjectLegalHold']),
          }),
        ]),
      },
    });
  });

  it('refuses a Map concurrency outside 1..40', async () => {
    const { App, Stack } = await import('aws-cdk-lib');
    const { stack } = buildStack();
    expect(
      () =>
        new PurgeWorkflow(new Stack(new App(), 'X'), 'P', {
          ledger: stack.ledger,
          archive: stack.archive,
          bus: stack.alerts.bus,
          logsKey: stack.purge.keysTable.encryptionKey as never,
          role: stack.purge.function.role as never,
          maxConcurrency: 0,
        }),
    ).toThrow(/maxConcurrency must be 1..40/);
  });
});

const map = (): State => definition.States.ReceiptPerChain as State;
