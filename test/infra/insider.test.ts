/**
 * Insider hardening, read from the synthesized template: who can disable or delete a key,
 * change a key policy, sign a checkpoint, delete from or re-configure the archive, and
 * write where.
 */
import type { App } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { GUARDED_BUCKET_ACTIONS } from '#lib/constructs/archive-bucket.ts';
import { GUARDED_KEY_ACTIONS } from '#lib/constructs/key-guard.ts';
import { applyNag } from '#lib/nag.ts';
import {
  actionsOf,
  buildStack,
  REPLICATION_AND_WAF,
  type PolicyStatement as Statement,
  templateOf,
} from '#test/infra/support.ts';

/** True when `pattern` (an IAM action, maybe with `*`) covers `action`. */
const covers = (pattern: string, action: string): boolean =>
  new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i').test(
    action,
  );
const matches = (s: Statement, action: string): boolean =>
  actionsOf([s]).some((a) => covers(a, action));

/**
 * Who may do `action` under a resource policy, as far as the policy decides: undefined when
 * no Deny covers every principal (then IAM decides), else the ARNs a `Deny * unless
 * aws:PrincipalArn` exempts. A Deny with any other condition does not count as a bound.
 */
const exemptFrom = (statements: readonly Statement[], action: string): unknown[] | undefined => {
  const bounds = statements
    .filter((s) => s.Effect === 'Deny' && matches(s, action))
    .filter((s) => JSON.stringify(s.Principal) === JSON.stringify({ AWS: '*' }))
    .filter((s) => s.Condition === undefined || Object.keys(s.Condition).join() === 'ArnNotEquals')
    .map((s) => [s.Condition?.ArnNotEquals?.['aws:PrincipalArn'] ?? []].flat());
  if (bounds.length === 0) return undefined;
  // Several bounds: only principals every one of them exempts.
  const key = (v: unknown) => JSON.stringify(v);
  return bounds.reduce((a, b) => a.filter((x) => b.some((y) => key(y) === key(x))));
};

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation template JSON
type Json = any;
const resourcesOf = (template: Template, type: string) =>
  Object.entries(template.findResources(type)) as [string, { Properties: Record<string, Json> }][];

const breakGlass = (t: Template) => ({
  'Fn::GetAtt': [logicalId(t, 'AWS::IAM::Role', 'KeyGuardBreakGlass'), 'Arn'],
});
const checkpointerRole = (t: Template) => ({
  'Fn::GetAtt': [logicalId(t, 'AWS::IAM::Role', 'CheckpointerHandlerRole'), 'Arn'],
});
const deployRole = {
  'Fn::Sub': 'arn:$'.concat(
    '{AWS::Partition}:iam::123456789012:role/cdk-hnb659fds-cfn-exec-role-123456789012-us-east-1',
  ),
};
const logicalId = (t: Template, type: string, prefix: string): string => {
  const ids = Object.keys(t.findResources(type)).filter((id) => id.startsWith(prefix));
  expect(ids, `${type} ${prefix}*`).toHaveLength(1);
  return ids[0] as string;
};

const archivePolicy = (t: Template): Statement[] => {
  const [, policy] = resourcesOf(t, 'AWS::S3::BucketPolicy').find(([id]) =>
    id.startsWith('ArchiveBucketPolicy'),
  ) ?? ['', { Properties: {} }];
  return policy.Properties.PolicyDocument.Statement as Statement[];
};

/** Every Allow statement of every IAM policy and role, with the role(s) it is attached to. */
const iamAllows = (t: Template): { roles: string[]; statement: Statement }[] => {
  const found: { roles: string[]; statement: Statement }[] = [];
  for (const [, policy] of resourcesOf(t, 'AWS::IAM::Policy')) {
    const roles = (policy.Properties.Roles ?? []).map((r: { Ref: string }) => r.Ref);
    for (const statement of policy.Properties.PolicyDocument.Statement as Statement[]) {
      if (statement.Effect === 'Allow') found.push({ roles, statement });
    }
  }
  for (const [id, role] of resourcesOf(t, 'AWS::IAM::Role')) {
    for (const inline of role.Properties.Policies ?? []) {
      for (const statement of inline.PolicyDocument.Statement as Statement[]) {
        if (statement.Effect === 'Allow') found.push({ roles: [id], statement });
      }
    }
  }
  return found;
};

describe('insider hardening (default config: the stack makes the break-glass role)', () => {
  let template: Template;
  beforeAll(() => {
    template = templateOf(buildStack().stack);
  });

  it('lets no principal but break-glass and CloudFormation disable, delete or re-policy any key', () => {
    const keys = resourcesOf(template, 'AWS::KMS::Key');
    expect(keys.length).toBeGreaterThanOrEqual(10);
    for (const [id, key] of keys) {
      const statements = key.Properties.KeyPolicy.Statement as Statement[];
      for (const action of GUARDED_KEY_ACTIONS) {
        expect(exemptFrom(statements, action), `${id} ${action}`).toEqual([
          breakGlass(template),
          deployRole,
        ]);
      }
      expect(key.Properties.BypassPolicyLockoutSafetyCheck, id).toBeUndefined();
    }
  });

  it('gives the break-glass role a trust that needs MFA and no IAM policy of its own', () => {
    const id = logicalId(template, 'AWS::IAM::Role', 'KeyGuardBreakGlass');
    const role = template.toJSON().Resources[id];
    expect(role.Properties.AssumeRolePolicyDocument.Statement[0].Condition).toEqual({
      Bool: { 'aws:MultiFactorAuthPresent': 'true' },
    });
    expect(iamAllows(template).filter((a) => a.roles.includes(id))).toEqual([]);
    template.hasOutput('BreakGlassRoleArn', { Value: { 'Fn::GetAtt': [id, 'Arn'] } });
  });

  it('sends every AssumeRole of break-glass, every call by its session and every refused key administration call to the alert topic, and alarms on it', () => {
    const topic = { Ref: logicalId(template, 'AWS::SNS::Topic', 'AlertsTopic') };
    const ruleId = logicalId(template, 'AWS::Events::Rule', 'BreakGlassWatch');
    const rule = template.toJSON().Resources[ruleId].Properties;
    expect(rule.EventBusName).toBeUndefined(); // the default bus, where CloudTrail delivers
    expect(rule.EventPattern).toEqual({
      'detail-type': ['AWS API Call via CloudTrail'],
      detail: {
        $or: [
          { eventName: ['AssumeRole'], requestParameters: { roleArn: [breakGlass(template)] } },
          { userIdentity: { sessionContext: { sessionIssuer: { arn: [breakGlass(template)] } } } },
          {
            eventSource: ['kms.amazonaws.com'],
            eventName: [
              'DisableKey',
              'ScheduleKeyDeletion',
              'PutKeyPolicy',
              'DisableKeyRotation',
              'DeleteImportedKeyMaterial',
            ],
            errorCode: [{ exists: true }],
          },
        ],
      },
    });
    expect(rule.Targets).toEqual([expect.objectContaining({ Arn: topic })]);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Events',
      MetricName: 'TriggeredRules',
      Dimensions: [{ Name: 'RuleName', Value: { Ref: ruleId } }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [topic],
    });
  });

  it('lets only the checkpointer sign: the key policy denies everyone else, and no other role is granted kms:Sign', () => {
    const [, signingKey] = resourcesOf(template, 'AWS::KMS::Key').find(([id]) =>
      id.startsWith('CheckpointerSigningKey'),
    ) ?? ['', { Properties: {} }];
    expect(exemptFrom(signingKey.Properties.KeyPolicy.Statement, 'kms:Sign')).toEqual([
      checkpointerRole(template),
    ]);
    const signers = iamAllows(template).filter(({ statement }) => matches(statement, 'kms:Sign'));
    expect(signers.flatMap((s) => s.roles)).toEqual([
      logicalId(template, 'AWS::IAM::Role', 'CheckpointerHandlerRole'),
    ]);
    // Every other key: nobody is exempt from nothing, so signing there is IAM's to refuse;
    // they are symmetric keys, which cannot sign at all.
    for (const [id, key] of resourcesOf(template, 'AWS::KMS::Key')) {
      if (id.startsWith('CheckpointerSigningKey')) continue;
      expect(key.Properties.KeyUsage ?? 'ENCRYPT_DECRYPT', id).toBe('ENCRYPT_DECRYPT');
    }
  });

  it('lets only break-glass delete archive objects or versions (delete markers included)', () => {
    const statements = archivePolicy(template);
    for (const action of ['s3:DeleteObject', 's3:DeleteObjectVersion']) {
      expect(exemptFrom(statements, action), action).toEqual([breakGlass(template)]);
    }
  });

  it('lets only break-glass and CloudFormation change the archive policy, lifecycle, lock, versioning or replication', () => {
    const statements = archivePolicy(template);
    for (const action of [...GUARDED_BUCKET_ACTIONS, 's3:BypassGovernanceRetention']) {
      expect(exemptFrom(statements, action), action).toEqual([breakGlass(template), deployRole]);
    }
    const denied = statements.find((s) => s.Sid === 'DenyBucketChangesButAdministrators');
    const bucket = logicalId(template, 'AWS::S3::Bucket', 'ArchiveBucket');
    expect(denied?.Resource).toEqual([
      { 'Fn::GetAtt': [bucket, 'Arn'] },
      { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket, 'Arn'] }, '/*']] },
    ]);
  });

  it('bounds puts to COMPLIANCE mode and at least the configured retention', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'DenyLockModesButCompliance',
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: ['s3:PutObject', 's3:PutObjectRetention'],
            Condition: { StringNotEqualsIfExists: { 's3:object-lock-mode': 'COMPLIANCE' } },
          }),
          Match.objectLike({
            Sid: 'DenyShortRetention',
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: ['s3:PutObject', 's3:PutObjectRetention'],
            Condition: {
              NumericLessThan: { 's3:object-lock-remaining-retention-days': '2556' },
            },
          }),
        ]),
      },
    });
  });

  it('lets only the checkpointer write keys/, checkpoints and index/, by bucket policy and by IAM', () => {
    const statements = archivePolicy(template);
    const reserved = statements.find((s) => s.Sid === 'OnlyTheCheckpointerWritesSigned');
    expect(exemptFrom([reserved as Statement], 's3:PutObject')).toEqual([
      checkpointerRole(template),
    ]);
    expect(JSON.stringify(reserved?.Resource)).toContain('/keys/*');
    expect(JSON.stringify(reserved?.Resource)).toContain('/chains/*/checkpoints/*');
    expect(JSON.stringify(reserved?.Resource)).toContain('/index/*');

    const checkpointer = logicalId(template, 'AWS::IAM::Role', 'CheckpointerHandlerRole');
    const puts = iamAllows(template).filter(({ statement }) => matches(statement, 's3:PutObject'));
    expect(puts.length).toBeGreaterThanOrEqual(7);
    for (const { roles, statement } of puts) {
      const resources = JSON.stringify(statement.Resource);
      // No writer may put everywhere, and only the checkpointer under the signed prefixes.
      expect(resources, roles.join()).not.toMatch(/Arn"\]\},"\/\*"/);
      if (!roles.includes(checkpointer)) {
        expect(resources, roles.join()).not.toMatch(/\/(keys|index)\/\*|\/checkpoints\//);
      }
    }
  });
});

describe('insider hardening, configured', () => {
  const external = 'arn:aws:iam::123456789012:role/audit-break-glass';

  it('names an existing break-glass role and, break-glass-only, exempts CloudFormation from nothing', () => {
    const template = templateOf(
      buildStack({
        config: { security: { breakGlassRoleArn: external, policyUpdates: 'break-glass-only' } },
      }).stack,
    );
    expect(
      Object.keys(template.findResources('AWS::IAM::Role')).some((id) => id.startsWith('KeyGuard')),
    ).toBe(false);
    for (const [id, key] of resourcesOf(template, 'AWS::KMS::Key')) {
      const statements = key.Properties.KeyPolicy.Statement as Statement[];
      for (const action of GUARDED_KEY_ACTIONS) {
        expect(exemptFrom(statements, action), `${id} ${action}`).toEqual([external]);
      }
      // KMS would otherwise refuse a policy its creator (CloudFormation) cannot change later.
      expect(key.Properties.BypassPolicyLockoutSafetyCheck, id).toBe(true);
    }
    for (const action of GUARDED_BUCKET_ACTIONS) {
      expect(exemptFrom(archivePolicy(template), action), action).toEqual([external]);
    }
  });

  it('watches the named break-glass role, not a role of its own', () => {
    const template = templateOf(
      buildStack({ config: { security: { breakGlassRoleArn: external } } }).stack,
    );
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        'detail-type': ['AWS API Call via CloudTrail'],
        detail: {
          $or: [
            { eventName: ['AssumeRole'], requestParameters: { roleArn: [external] } },
            { userIdentity: { sessionContext: { sessionIssuer: { arn: [external] } } } },
            Match.objectLike({ eventSource: ['kms.amazonaws.com'] }),
          ],
        },
      },
    });
  });

  it('refuses a break-glass value that is not a role ARN', () => {
    expect(() => buildStack({ config: { security: { breakGlassRoleArn: 'admin' } } })).toThrow(
      /security\.breakGlassRoleArn: must be an IAM role ARN/,
    );
  });
});

describe('replication, WAF and authorizer caching (all on), cdk-nag clean', () => {
  let app: App;
  let template: Template;
  beforeAll(() => {
    const built = buildStack({
      config: REPLICATION_AND_WAF,
    });
    app = built.app;
    template = templateOf(built.stack);
  });

  it('replicates every object to the auditor bucket, re-encrypted with their key, owned by them, no delete markers', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockEnabled: true,
      ReplicationConfiguration: {
        Role: Match.anyValue(),
        Rules: [
          Match.objectLike({
            Status: 'Enabled',
            DeleteMarkerReplication: { Status: 'Disabled' },
            SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: 'Enabled' } },
            Destination: Match.objectLike({
              Bucket: 'arn:aws:s3:::auditor-archive',
              Account: '210987654321',
              AccessControlTranslation: { Owner: 'Destination' },
              EncryptionConfiguration: {
                ReplicaKmsKeyID:
                  'arn:aws:kms:us-east-1:210987654321:key/1234abcd-12ab-34cd-56ef-1234567890ab',
              },
            }),
          }),
        ],
      },
    });
  });

  it('lets the replication role read each object lock, so replicas stay locked', () => {
    const role = logicalId(template, 'AWS::IAM::Role', 'ArchiveBucketReplicationRole');
    const granted = iamAllows(template)
      .filter((a) => a.roles.includes(role))
      .flatMap((a) => actionsOf([a.statement]));
    expect(granted).toEqual(
      expect.arrayContaining([
        's3:GetObjectVersionForReplication',
        's3:GetObjectRetention',
        's3:GetObjectLegalHold',
        's3:ReplicateObject',
      ]),
    );
  });

  it('caches authorizer answers for the configured TTL, keyed by the Authorization header', () => {
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'REQUEST',
      AuthorizerResultTtlInSeconds: 300,
      IdentitySource: 'method.request.header.Authorization',
    });
  });

  it('puts a web ACL on the stage: a rate rule per IP, managed rules, redacted logs', () => {
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      DefaultAction: { Allow: {} },
      Rules: [
        Match.objectLike({
          Name: 'rate-per-ip',
          Action: { Block: {} },
          Statement: {
            RateBasedStatement: { Limit: 1000, AggregateKeyType: 'IP', EvaluationWindowSec: 300 },
          },
        }),
        Match.objectLike({
          Statement: {
            ManagedRuleGroupStatement: Match.objectLike({
              Name: 'AWSManagedRulesCommonRuleSet',
              RuleActionOverrides: [{ Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } }],
            }),
          },
        }),
        Match.objectLike({
          Statement: {
            ManagedRuleGroupStatement: {
              VendorName: 'AWS',
              Name: 'AWSManagedRulesKnownBadInputsRuleSet',
            },
          },
        }),
      ],
    });
    const stage = logicalId(template, 'AWS::ApiGateway::Stage', 'IngestApi');
    const association = Object.values(template.findResources('AWS::WAFv2::WebACLAssociation'))[0];
    expect(JSON.stringify(association?.Properties.ResourceArn)).toContain(stage);
    template.hasResourceProperties('AWS::WAFv2::LoggingConfiguration', {
      RedactedFields: [
        { SingleHeader: { Name: 'authorization' } },
        { SingleHeader: { Name: 'x-api-key' } },
      ],
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: Match.stringLikeRegexp('^aws-waf-logs-'),
      KmsKeyId: Match.anyValue(),
    });
  });

  it('alarms when the rate rule blocks, on the dimensions WAF reports it under', () => {
    const [, acl] = resourcesOf(template, 'AWS::WAFv2::WebACL')[0] ?? ['', { Properties: {} }];
    const rate = acl.Properties.Rules[0];
    // WAF names the metric's WebACL and Rule dimensions by name or by metric name: both agree.
    expect(acl.Properties.Name).toBe('AuditTrail-api');
    expect(acl.Properties.VisibilityConfig.MetricName).toBe(acl.Properties.Name);
    expect(rate.VisibilityConfig.MetricName).toBe(rate.Name);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/WAFV2',
      MetricName: 'BlockedRequests',
      Dimensions: [
        { Name: 'Region', Value: 'us-east-1' },
        { Name: 'Rule', Value: 'rate-per-ip' },
        { Name: 'WebACL', Value: 'AuditTrail-api' },
      ],
      Statistic: 'Sum',
      Threshold: 1,
      AlarmActions: [{ Ref: logicalId(template, 'AWS::SNS::Topic', 'AlertsTopic') }],
    });
  });

  it('leaves no WAF and no authorizer cache by default', () => {
    const plain = templateOf(buildStack().stack);
    plain.resourceCountIs('AWS::WAFv2::WebACL', 0);
    expect(
      Object.values(plain.findResources('AWS::CloudWatch::Alarm')).map(
        (a) => a.Properties.Namespace,
      ),
    ).not.toContain('AWS/WAFV2');
    plain.hasResourceProperties('AWS::ApiGateway::Authorizer', { AuthorizerResultTtlInSeconds: 0 });
  });

  it('passes the three cdk-nag packs', () => {
    const findings = applyNag(app).flatMap((pack) =>
      (pack.validateScope(app).violations ?? []).map(
        (v) =>
          `${pack.readPackName} ${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
      ),
    );
    expect(findings).toEqual([]);
  });
});
