import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import { Alerts } from '#lib/constructs/alerts.ts';
import { ApiWaf } from '#lib/constructs/api-waf.ts';
import { ArchiveBucket } from '#lib/constructs/archive-bucket.ts';
import { Checkpointer } from '#lib/constructs/checkpointer.ts';
import { EventStream } from '#lib/constructs/event-stream.ts';
import { IngestApi } from '#lib/constructs/ingest-api.ts';
import { KeyTable } from '#lib/constructs/key-table.ts';
import { LedgerTable } from '#lib/constructs/ledger-table.ts';
import { Processor } from '#lib/constructs/processor.ts';
import { handlerExists } from '#lib/paths.ts';
import { buildStack, templateOf, testDir } from '#test/infra/support.ts';

/** The smallest policy the loader accepts. */
const MINIMAL_POLICY = `name: minimal
rules:
  - id: card
    name: Payment card
    detector: credit-card
    action: block
    severity: high
`;

const scratch = () => {
  // No built-in CloudFormation validation: without cdk.json's validateAgainstDefaultRules it
  // only warns, so here it could never fail a test, yet its wasm engine costs seconds to load
  // (cfn-validation.test.ts runs it on the real stacks).
  const app = new App({
    builtinCloudFormationValidation: false,
    context: { 'aws:cdk:bundling-stacks': [] },
  });
  const stack = new Stack(app, 'Scratch', {
    env: { account: '123456789012', region: 'us-east-1' },
  });
  return { stack, key: new kms.Key(stack, 'LogsKey') };
};

describe('constructs refuse bad props', () => {
  it.each([
    [
      'provisioned without shards',
      () => new EventStream(scratch().stack, 'S', { mode: 'provisioned' }),
      /shardCount ≥ 1/,
    ],
    [
      'provisioned with 0 shards',
      () => new EventStream(scratch().stack, 'S', { mode: 'provisioned', shardCount: 0 }),
      /shardCount ≥ 1/,
    ],
    [
      'shards with on-demand',
      () => new EventStream(scratch().stack, 'S', { shardCount: 2 }),
      /only for provisioned/,
    ],
    [
      'stream retention < 24 h',
      () => new EventStream(scratch().stack, 'S', { retention: Duration.hours(12) }),
      /24\.\.8760/,
    ],
    [
      'archive retention 0 days',
      () => new ArchiveBucket(scratch().stack, 'A', { retentionDays: 0 }),
      /retentionDays/,
    ],
    [
      'archive retention 1.5 days',
      () => new ArchiveBucket(scratch().stack, 'A', { retentionDays: 1.5 }),
      /retentionDays/,
    ],
    [
      'alert e-mail not an address',
      () => new Alerts(scratch().stack, 'Al', { email: 'ops' }),
      /not an e-mail/,
    ],
  ])('%s', (_name, build, message) => {
    expect(build).toThrow(message);
  });

  it('IngestApi refuses 0 lanes', () => {
    const { stack, key } = scratch();
    const stream = new EventStream(stack, 'S');
    const ledger = new LedgerTable(stack, 'L');
    expect(
      () =>
        new IngestApi(stack, 'Api', {
          stream: stream.stream,
          ledger,
          keyTable: new KeyTable(stack, 'K'),
          archive: new ArchiveBucket(stack, 'A', { retentionDays: 1 }),
          archiveRetentionDays: 1,
          logsKey: key,
          lanesPerChain: 0,
        }),
    ).toThrow(/lanesPerChain must be an integer 1\.\.64, got 0/);
  });

  it('Processor refuses unbounded retries and a zero batch', () => {
    const { stack, key } = scratch();
    const deps = {
      stream: new EventStream(stack, 'S').stream,
      ledger: new LedgerTable(stack, 'L'),
      archive: new ArchiveBucket(stack, 'A', { retentionDays: 1 }),
      alertsBus: new Alerts(stack, 'Al').bus,
      logsKey: key,
    };
    expect(() => new Processor(stack, 'P1', { ...deps, retryAttempts: -1 })).toThrow(/bounded/);
    expect(() => new Processor(stack, 'P2', { ...deps, batchSize: 0 })).toThrow(/batchSize/);
    expect(() => new Processor(stack, 'P3', { ...deps, maxRecordAge: Duration.days(8) })).toThrow(
      /maxRecordAge/,
    );
    expect(
      () =>
        new Processor(stack, 'P4', {
          ...deps,
          maxRecordAge: Duration.hours(1),
          giveUpAfter: Duration.hours(1),
        }),
    ).toThrow(/giveUpAfter must be below maxRecordAge/);
  });

  it('ApiWaf refuses a rate WAF would not take', () => {
    const { stack, key } = scratch();
    const api = new apigw.RestApi(stack, 'Api');
    api.root.addMethod('GET');
    expect(
      () => new ApiWaf(stack, 'W', { stage: api.deploymentStage, logsKey: key, ratePerIp: 99 }),
    ).toThrow(/ratePerIp must be an integer 100\.\.2000000000, got 99/);
  });

  it('Checkpointer refuses a schedule EventBridge would not take', () => {
    const { stack, key } = scratch();
    const ledger = new LedgerTable(stack, 'L');
    const archive = new ArchiveBucket(stack, 'A', { retentionDays: 1 });
    expect(
      () =>
        new Checkpointer(stack, 'C', {
          ledger,
          archive,
          logsKey: key,
          schedule: 'every 5 minutes',
        }),
    ).toThrow(/rate\(…\) or cron\(…\)/);
  });
});

describe('configured variants of the stack', () => {
  it('spreads a chain over lanes in the partition key and the envelope', () => {
    const template = templateOf(buildStack({ config: { lanesPerChain: 4 } }).stack);
    const templates = Object.values(template.findResources('AWS::ApiGateway::Method'))
      .map((m) => JSON.stringify(m.Properties.Integration?.RequestTemplates ?? {}))
      .filter((t) => t.includes('PartitionKey'));
    expect(templates).toHaveLength(5); // 3 event routes, outcomes, batch
    for (const t of templates) {
      expect(t).toContain('#set($lanes = 4)');
      expect(t).toContain('$eventId.hashCode() % $lanes');
    }
  });

  it('lanes only the configured prefixes, and tells the stream-writing Lambdas', () => {
    const lanes = { checkout: 8, 'checkout-batch': 1 };
    const { stack } = buildStack({ config: { lanesPerChain: lanes } });
    const template = templateOf(stack);
    const t = JSON.stringify(template.toJSON());
    expect(t).toContain('#if($chain.startsWith(\\"checkout-batch\\"))#set($lanes = 1)');
    expect(t).toContain('#elseif($chain.startsWith(\\"checkout\\"))#set($lanes = 8)');
    for (const fn of [stack.ingestApi.otlpTracesFunction, stack.ingestApi.guardrailFunction]) {
      if (fn === undefined) continue;
      const id = stack.getLogicalId(fn.node.defaultChild as CfnFunction);
      expect(template.toJSON().Resources[id].Properties.Environment.Variables).toMatchObject({
        LANES_PER_CHAIN: JSON.stringify(lanes),
      });
    }
    // One lane everywhere: no variable at all (the default stack is unchanged).
    const plain = templateOf(buildStack({ config: { lanesPerChain: 1 } }).stack);
    expect(JSON.stringify(plain.toJSON())).not.toContain('LANES_PER_CHAIN');
  });

  it('provisions shards, mails alarms, and applies the config', () => {
    const dir = testDir('audit-trail-config-');
    writeFileSync(join(dir, 'policy.yaml'), MINIMAL_POLICY);
    const template = templateOf(
      buildStack({
        config: {
          stream: { mode: 'provisioned', shardCount: 3 },
          alarmEmail: 'ops@example.com',
          policyFile: 'policy.yaml',
          archiveRetentionDays: 30,
          logName: 'audit.example.com/prod',
        },
        configDir: dir,
      }).stack,
    );
    template.hasResourceProperties('AWS::Kinesis::Stream', {
      ShardCount: 3,
      StreamModeDetails: { StreamMode: 'PROVISIONED' },
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          LOG_NAME: 'audit.example.com/prod',
          ARCHIVE_RETENTION_DAYS: '30',
        }),
      },
    });
    template.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockConfiguration: { Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 30 } } },
    });
    // The guardrail route exists exactly when its handler does.
    const paths = Object.values(template.findResources('AWS::ApiGateway::Resource')).map(
      (r) => r.Properties.PathPart,
    );
    expect(paths.includes('evaluate')).toBe(handlerExists('guardrail'));
  });

  it('lets a development stack be destroyed (no deletion protection), retaining by default', () => {
    const template = templateOf(buildStack({ config: { removalPolicy: 'destroy' } }).stack);
    template.hasResourceProperties('AWS::DynamoDB::Table', { DeletionProtectionEnabled: false });
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete' });
    template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Delete' });
  });

  it('exempts only the purge role from the deny-update/delete policy', () => {
    const { stack } = scratch();
    const purgeRole = new iam.Role(stack, 'Purge', {
      assumedBy: new iam.ServicePrincipal('states.amazonaws.com'),
    });
    new LedgerTable(stack, 'L', { purgeRole });
    const exceptPurge = { ArnNotEquals: { 'aws:PrincipalArn': stack.resolve(purgeRole.roleArn) } };
    Template.fromStack(stack).hasResourceProperties('AWS::DynamoDB::Table', {
      ResourcePolicy: {
        PolicyDocument: {
          Statement: [
            Match.objectLike({
              Effect: 'Deny',
              Condition: {
                ...exceptPurge,
                'ForAnyValue:StringNotLike': { 'dynamodb:LeadingKeys': [' meta#*'] },
              },
            }),
            Match.objectLike({
              Sid: 'RecordsAreUpdatedOnlyInTheirSearchIndex',
              Condition: Match.objectLike(exceptPurge),
            }),
            Match.objectLike({
              Sid: 'RecordsAreUpdatedOnlyByNamedAttributes',
              Condition: Match.objectLike(exceptPurge),
            }),
            Match.objectLike({ Effect: 'Deny', Condition: exceptPurge }),
          ],
        },
      },
    });
  });
});
