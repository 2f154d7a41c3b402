import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { API_ROUTES, EVENT_ROUTES } from '#core/api/routes.ts';
import { isChainKey } from '#core/events/chain-key.ts';
import type { AuditTrailStack } from '#lib/audit-trail-stack.ts';
import {
  actionsOf,
  buildStack,
  functionStatements,
  logicalIds,
  templateOf,
} from '#test/infra/support.ts';

/** The default stack, bundled once for the whole file (esbuild, no Docker). */
let stack: AuditTrailStack;
let template: Template;
let assemblyDir: string;

beforeAll(() => {
  const built = buildStack({ bundle: true });
  stack = built.stack;
  template = templateOf(stack);
  assemblyDir = built.app.synth().directory;
});

const only = (ids: string[], what: string): string => {
  expect(ids, what).toHaveLength(1);
  return ids[0] as string;
};

describe('encryption at rest with customer managed keys', () => {
  it('rotates every symmetric key and makes the signing key Ed25519 SIGN_VERIFY', () => {
    const keys = template.findResources('AWS::KMS::Key');
    const symmetric = Object.values(keys).filter((k) => k.Properties.KeySpec === undefined);
    expect(symmetric.length).toBeGreaterThanOrEqual(6);
    for (const key of symmetric) expect(key.Properties.EnableKeyRotation).toBe(true);
    template.hasResourceProperties('AWS::KMS::Key', {
      KeySpec: 'ECC_NIST_EDWARDS25519',
      KeyUsage: 'SIGN_VERIFY',
    });
  });

  it('encrypts the stream with its own key', () => {
    template.hasResourceProperties('AWS::Kinesis::Stream', {
      StreamEncryption: {
        EncryptionType: 'KMS',
        KeyId: stack.resolve(stack.stream.encryptionKey.keyArn),
      },
      StreamModeDetails: { StreamMode: 'ON_DEMAND' },
      RetentionPeriodHours: 168,
    });
  });

  it('encrypts the ledger table with a customer managed key', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: Match.anyValue() },
    });
  });

  it('encrypts every queue and the alert topic with KMS and allows TLS only', () => {
    const queues = template.findResources('AWS::SQS::Queue');
    expect(Object.keys(queues)).toHaveLength(3); // processor failures, checkpointer, fairness review
    for (const queue of Object.values(queues)) {
      expect(queue.Properties.KmsMasterKeyId).toBeDefined();
    }
    template.resourcePropertiesCountIs(
      'AWS::SQS::QueuePolicy',
      {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      },
      3,
    );
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('encrypts every log group with the logs key', () => {
    const groups = template.findResources('AWS::Logs::LogGroup');
    expect(Object.keys(groups).length).toBeGreaterThanOrEqual(6);
    for (const group of Object.values(groups)) {
      expect(group.Properties.KmsKeyId).toBeDefined();
      expect(group.Properties.RetentionInDays).toBeGreaterThan(0);
    }
  });
});

describe('archive bucket', () => {
  it('refuses any object write without If-None-Match, so no version can hide a locked one', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'DenyOverwrites',
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 's3:PutObject',
            Condition: { Null: { 's3:if-none-match': 'true' } },
          }),
        ]),
      },
    });
  });

  it('locks objects in COMPLIANCE mode for the configured days, versioned, KMS, no public access', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockEnabled: true,
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 2557 } },
      },
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: {
              SSEAlgorithm: 'aws:kms',
              KMSMasterKeyID: Match.anyValue(),
            },
          },
        ],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LoggingConfiguration: { DestinationBucketName: Match.anyValue(), LogFilePrefix: 'archive/' },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({
            Status: 'Enabled',
            Transitions: [{ StorageClass: 'GLACIER_IR', TransitionInDays: 90 }],
          }),
        ]),
      },
    });
  });

  it('keeps access logs in a separate encrypted, versioned, blocked bucket that expires them', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockEnabled: Match.absent(),
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
        ],
      },
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: Match.objectLike({
        BlockPublicAcls: true,
        RestrictPublicBuckets: true,
      }),
      LifecycleConfiguration: {
        Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: 400 })]),
      },
    });
  });

  it('denies non-TLS and pre-TLS-1.2 access to both buckets', () => {
    template.resourcePropertiesCountIs(
      'AWS::S3::BucketPolicy',
      {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
            Match.objectLike({
              Effect: 'Deny',
              Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } },
            }),
          ]),
        },
      },
      2,
    );
  });

  it('never grants delete, lock changes or governance bypass on the archive', () => {
    const policies = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    for (const action of [
      's3:DeleteObject',
      's3:DeleteObjectVersion',
      's3:BypassGovernanceRetention',
      's3:PutBucketObjectLockConfiguration',
      's3:*',
    ]) {
      expect(policies).not.toContain(`"${action}"`);
    }
    expect(policies).toContain('"s3:PutObjectRetention"');
  });
});

describe('ledger table', () => {
  it('has PK chain/SK seq, the three GSIs, PITR and deletion protection', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'chain', KeyType: 'HASH' },
        { AttributeName: 'seq', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
      GlobalSecondaryIndexes: Match.arrayWith([
        Match.objectLike({
          IndexName: 'by_event_id',
          KeySchema: [{ AttributeName: 'event_id', KeyType: 'HASH' }],
        }),
        Match.objectLike({
          IndexName: 'by_user',
          KeySchema: [
            { AttributeName: 'user_key', KeyType: 'HASH' },
            { AttributeName: 'ingested_at', KeyType: 'RANGE' },
          ],
        }),
        Match.objectLike({ IndexName: 'chains' }),
      ]),
    });
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain' });
  });

  it('denies updates of records (but of their search index) and DeleteItem/BatchWriteItem to every principal', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      ResourcePolicy: {
        PolicyDocument: {
          Statement: [
            {
              Sid: 'RecordsAreNeverUpdated',
              Effect: 'Deny',
              Principal: { AWS: '*' },
              Action: 'dynamodb:PartiQLUpdate',
              Resource: '*',
              Condition: { 'ForAnyValue:StringNotLike': { 'dynamodb:LeadingKeys': [' meta#*'] } },
            },
            {
              Sid: 'RecordsAreUpdatedOnlyInTheirSearchIndex',
              Effect: 'Deny',
              Principal: { AWS: '*' },
              Action: 'dynamodb:UpdateItem',
              Resource: '*',
              Condition: {
                'ForAnyValue:StringNotLike': {
                  'dynamodb:LeadingKeys': [' meta#*'],
                  'dynamodb:Attributes': [
                    'chain',
                    'seq',
                    'terms',
                    'user_key',
                    'subject_key',
                    'transaction_key',
                    'session_key',
                    'ref_key',
                    'chain_key',
                    'queue_key',
                    'tenant_key',
                  ],
                },
              },
            },
            {
              Sid: 'RecordsAreUpdatedOnlyByNamedAttributes',
              Effect: 'Deny',
              Principal: { AWS: '*' },
              Action: 'dynamodb:UpdateItem',
              Resource: '*',
              Condition: {
                'ForAnyValue:StringNotLike': { 'dynamodb:LeadingKeys': [' meta#*'] },
                Null: { 'dynamodb:Attributes': 'true' },
              },
            },
            {
              Sid: 'ItemsAreNeverDeleted',
              Effect: 'Deny',
              Principal: { AWS: '*' },
              Action: ['dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:PartiQLDelete'],
              Resource: '*',
            },
          ],
        },
      },
    });
  });

  it('lets the processor update bookkeeping items only', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'dynamodb:UpdateItem',
            Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [' meta#*'] } },
          }),
        ]),
      },
    });
    const policies = template.findResources('AWS::IAM::Policy');
    for (const policy of Object.values(policies)) {
      for (const statement of policy.Properties.PolicyDocument.Statement) {
        const actions = [statement.Action].flat();
        if (actions.includes('dynamodb:UpdateItem')) {
          expect(
            statement.Condition,
            'UpdateItem without the bookkeeping-key condition',
          ).toBeDefined();
        }
        if (actions.includes('dynamodb:DeleteItem')) {
          // Only the purge role deletes, and only body keys (never a ledger item).
          expect(policy.Properties.Roles).toEqual([{ Ref: expect.stringMatching(/^PurgeRole/) }]);
          expect(JSON.stringify(statement.Resource)).toMatch(/PurgeKeys/);
          expect(JSON.stringify(statement.Resource)).not.toMatch(/Ledger/);
        }
        expect(actions).not.toContain('dynamodb:*');
      }
    }
  });

  it('lets no UpdateItem grant or exemption reach a record, whatever the chain key', () => {
    // The bookkeeping items are told apart only by their partition key (LeadingKeys): no
    // chain the intake can produce (a chain key, with `#<lane>`) may match its pattern,
    // or that chain's records could be updated.
    const patterns = new Set<string>();
    const collect = (condition: unknown) => {
      for (const keys of Object.values((condition ?? {}) as Record<string, unknown>)) {
        const leading = (keys as Record<string, unknown>)['dynamodb:LeadingKeys'];
        for (const pattern of [leading ?? []].flat()) patterns.add(String(pattern));
      }
    };
    for (const policy of Object.values(template.findResources('AWS::IAM::Policy'))) {
      for (const statement of policy.Properties.PolicyDocument.Statement) {
        if ([statement.Action].flat().includes('dynamodb:UpdateItem')) collect(statement.Condition);
      }
    }
    for (const table of Object.values(template.findResources('AWS::DynamoDB::Table'))) {
      for (const statement of table.Properties.ResourcePolicy?.PolicyDocument.Statement ?? []) {
        collect(statement.Condition);
      }
    }
    expect(patterns.size).toBeGreaterThan(0);
    for (const pattern of patterns) {
      for (const fill of ['a', 'app#3', '0']) {
        const partition = pattern.replaceAll('*', fill).replaceAll('?', 'x');
        expect(isChainKey(partition), `chain key ${JSON.stringify(partition)}`).toBe(false);
      }
    }
  });
});

describe('processor', () => {
  it('runs Node.js 22 on ARM64 with tracing and Powertools settings (every function)', () => {
    const functions = template.findResources('AWS::Lambda::Function');
    // processor, failure-queue consumer, checkpointer, fairness review, purge, authorizer,
    // guardrail, otlp traces, and the route Lambdas: query, review, governance,
    // deployments, approvals, admin events, evidence
    expect(Object.keys(functions)).toHaveLength(15);
    for (const fn of Object.values(functions)) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        Environment: {
          Variables: expect.objectContaining({
            POWERTOOLS_SERVICE_NAME: 'audit-trail',
            LOG_LEVEL: 'INFO',
            NODE_OPTIONS: '--enable-source-maps',
          }),
        },
      });
    }
  });

  it('gets the ledger, archive, alerts and log name from its environment', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      DeadLetterConfig: { TargetArn: Match.anyValue() },
      Environment: {
        Variables: Match.objectLike({
          LEDGER_TABLE: { Ref: Match.anyValue() },
          LEDGER_CHAINS_INDEX: 'chains',
          ARCHIVE_BUCKET: { Ref: Match.anyValue() },
          ARCHIVE_RETENTION_DAYS: '2557',
          LOG_NAME: 'audit-trail.audittrail',
          ALERTS_BUS: { Ref: Match.anyValue() },
        }),
      },
    });
  });

  it('maps Kinesis with bisect, partial batch responses, bounded retries/age, order per shard and an SQS on-failure destination', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: Match.anyValue(),
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 1,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MaximumRetryAttempts: 10_000,
      MaximumRecordAgeInSeconds: 86_400,
      ParallelizationFactor: 1,
      DestinationConfig: {
        OnFailure: { Destination: stack.resolve(stack.processor.failureQueue.queueArn) },
      },
    });
  });

  it('re-drives the failure queue one pointer at a time, reading the stream back', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ProcessorFailureQueue'), 'Arn'] },
      BatchSize: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    template.hasResourceProperties('AWS::SQS::Queue', { VisibilityTimeout: 720 });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('re-drives ranges'),
      Timeout: 120,
      ReservedConcurrentExecutions: 1,
      Environment: { Variables: Match.objectLike({ GIVE_UP_AFTER_SECONDS: '3600' }) },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^FailureQueueConsumerHandlerRole') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: Match.arrayWith(['kinesis:GetRecords', 'kinesis:GetShardIterator']),
          }),
        ]),
      },
    });
  });

  // The bound catches a bundled AWS SDK or dependency tree (megabytes), not the policy
  // detectors' data: the processor's compromise lexicon, libphonenumber metadata and name
  // model are ~540 KB of it, and with the change-governance checks it passed 1 MiB.
  it('bundles every handler below 1.25 MiB (minified ESM, with a source map)', () => {
    const functions = template.findResources('AWS::Lambda::Function');
    const sizes = Object.entries(functions).map(([id, fn]) => {
      const hash = String(fn.Properties.Code.S3Key).replace(/\.zip$/, '');
      const files = readdirSync(join(assemblyDir, `asset.${hash}`));
      expect(files.sort(), id).toEqual(['index.mjs', 'index.mjs.map']);
      return { id, bytes: statSync(join(assemblyDir, `asset.${hash}`, 'index.mjs')).size };
    });
    expect(sizes).toHaveLength(15);
    const over = sizes.filter((s) => s.bytes > 1_310_720).map((s) => `${s.id}: ${s.bytes} bytes`);
    expect(over, 'bundles over 1.25 MiB').toEqual([]);
  });
});

describe('checkpointer', () => {
  it('runs on the configured schedule, one at a time, with a dead-letter queue', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      Targets: [
        Match.objectLike({
          DeadLetterConfig: { Arn: Match.anyValue() },
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
        }),
      ],
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      ReservedConcurrentExecutions: 1,
      Environment: { Variables: Match.objectLike({ SIGNING_KEY_ID: Match.anyValue() }) },
    });
  });

  it('may sign and read the public key, nothing else, with the signing key', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: ['kms:GetPublicKey', 'kms:Sign'], Effect: 'Allow' }),
        ]),
      },
    });
  });
});

describe('ingest API', () => {
  it('keeps no API Gateway keys (the authorizer reads the key store), TLS 1.2+ only', () => {
    template.resourceCountIs('AWS::ApiGateway::ApiKey', 0);
    template.resourceCountIs('AWS::ApiGateway::UsagePlan', 0);
    template.hasResourceProperties('AWS::ApiGateway::RestApi', {
      ApiKeySourceType: Match.absent(),
      SecurityPolicy: 'SecurityPolicy_TLS13_1_2_PQ_2025_09',
      EndpointAccessMode: 'STRICT',
      EndpointConfiguration: { Types: ['REGIONAL'] },
    });
  });

  it('uses a REQUEST authorizer that sees every request (Bearer or x-api-key)', () => {
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'REQUEST',
      AuthorizerResultTtlInSeconds: 0,
      IdentitySource: Match.absent(),
    });
  });

  it('validates bodies against models generated from the core schema', () => {
    template.hasResourceProperties('AWS::ApiGateway::RequestValidator', {
      ValidateRequestBody: true,
      ValidateRequestParameters: true,
    });
    template.hasResourceProperties('AWS::ApiGateway::Model', {
      Name: 'AuditTrailEvent',
      ContentType: 'application/json',
      Schema: Match.objectLike({ $schema: 'http://json-schema.org/draft-04/schema#' }),
    });
    template.hasResourceProperties('AWS::ApiGateway::Model', {
      Name: 'AuditTrailEventBatch',
      Schema: Match.objectLike({ properties: Match.objectLike({ events: Match.anyValue() }) }),
    });
  });

  it('has every route, with POST /v1/events:batch', () => {
    const paths = Object.values(template.findResources('AWS::ApiGateway::Resource')).map(
      (r) => r.Properties.PathPart,
    );
    // One resource per distinct path prefix of the routes that run on AWS.
    const prefixes = new Set(
      API_ROUTES.filter((r) => r.runtimes === 'both').flatMap((r) => {
        const parts = r.path.split('/').slice(1);
        return parts.map((_, i) => parts.slice(0, i + 1).join('/'));
      }),
    );
    expect(paths.sort()).toEqual([...prefixes].map((p) => p.split('/').at(-1)).sort());
    expect(paths).toContain('events:batch');
  });

  it('puts ingest routes on Kinesis directly (no Lambda in the ingest path), authorised and validated', () => {
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method'));
    const ingest = methods.filter(
      (m) => m.Properties.HttpMethod === 'POST' && m.Properties.Integration.Type !== 'AWS_PROXY',
    );
    expect(ingest).toHaveLength(5);
    for (const method of ingest) {
      expect(method.Properties).toMatchObject({
        AuthorizationType: 'CUSTOM',
        RequestValidatorId: expect.anything(),
        RequestModels: { 'application/json': expect.anything() },
        Integration: {
          Type: 'AWS',
          PassthroughBehavior: 'NEVER',
          Credentials: expect.anything(),
        },
      });
      const uri = JSON.stringify(method.Properties.Integration.Uri);
      expect(uri).toMatch(/:kinesis:action\/PutRecords?"/);
      expect(uri).not.toContain('lambda');
    }
    const actions = ingest.map(
      (m) => JSON.stringify(m.Properties.Integration.Uri).match(/action\/(\w+)/)?.[1],
    );
    expect(actions.sort()).toEqual([
      'PutRecord',
      'PutRecord',
      'PutRecord',
      'PutRecord', // POST /v1/outcomes
      'PutRecords',
    ]);
  });

  it('answers guardrail calls from a Lambda, validated against the guardrail model', () => {
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method'));
    const proxied = methods.filter((m) => m.Properties.Integration?.Type === 'AWS_PROXY');
    // Every route on AWS but the Kinesis ingest routes.
    const kinesis: readonly string[] = [...EVENT_ROUTES, 'batch'];
    const lambdaRoutes = API_ROUTES.filter(
      (r) => r.runtimes === 'both' && !kinesis.includes(r.name),
    );
    expect(lambdaRoutes.map((r) => r.method).sort()).toEqual(
      proxied.map((m) => m.Properties.HttpMethod).sort(),
    );
    const guardrail = proxied.find(
      (m) => m.Properties.HttpMethod === 'POST' && m.Properties.RequestModels !== undefined,
    );
    expect(guardrail?.Properties).toMatchObject({
      AuthorizationType: 'CUSTOM',
      RequestValidatorId: expect.anything(),
    });
    template.hasResourceProperties('AWS::ApiGateway::Model', {
      Name: 'AuditTrailGuardrailRequest',
      Schema: Match.objectLike({ required: ['direction'] }),
    });
  });

  it('answers 202 {event_id, chain, status} from the integration response', () => {
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      Integration: {
        IntegrationResponses: Match.arrayWith([
          Match.objectLike({
            StatusCode: '202',
            ResponseTemplates: {
              'application/json': Match.stringLikeRegexp('"status": "accepted"'),
            },
          }),
          Match.objectLike({ SelectionPattern: '4\\d{2}', StatusCode: '503' }),
        ]),
      },
    });
  });

  it('lets API Gateway put records on this stream only', () => {
    const role = only(
      logicalIds(template, 'AWS::IAM::Role').filter((id) => id.includes('KinesisIntegrationRole')),
      'integration role',
    );
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: role }],
      PolicyDocument: {
        Statement: [
          {
            Action: ['kinesis:PutRecord', 'kinesis:PutRecords'],
            Effect: 'Allow',
            Resource: stack.resolve(stack.stream.stream.streamArn),
          },
          { Action: 'kms:GenerateDataKey', Effect: 'Allow', Resource: Match.anyValue() },
        ],
      },
    });
  });

  it('decodes POST /v1/traces (OTLP) in a Lambda that may only put records on the stream', () => {
    template.hasResourceProperties('AWS::ApiGateway::RestApi', {
      BinaryMediaTypes: ['application/x-protobuf'],
    });
    const traces = only(
      Object.entries(template.findResources('AWS::ApiGateway::Resource'))
        .filter(([, r]) => r.Properties.PathPart === 'traces')
        .map(([id]) => id),
      'traces resource',
    );
    const fn = only(
      logicalIds(template, 'AWS::Lambda::Function').filter((id) => id.includes('OtlpTraces')),
      'otlp function',
    );
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'POST',
      ResourceId: { Ref: traces },
      AuthorizationType: 'CUSTOM',
      Integration: Match.objectLike({ Type: 'AWS_PROXY' }),
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('/v1/traces'),
      Environment: {
        Variables: Match.objectLike({
          EVENT_STREAM: stack.resolve(stack.stream.stream.streamName),
        }),
      },
    });
    // Its role's own policy: PutRecord(s) on this stream and the stream key, nothing else.
    const statements = functionStatements(template, fn);
    expect(
      actionsOf(statements)
        .filter((a) => !a.startsWith('xray:') && !a.startsWith('logs:'))
        .sort(),
    ).toEqual(['kinesis:PutRecord', 'kinesis:PutRecords', 'kms:GenerateDataKey']);
    const streamStatement = statements.find((st) => JSON.stringify(st.Action).includes('kinesis:'));
    expect(streamStatement?.Resource).toEqual(stack.resolve(stack.stream.stream.streamArn));
  });

  it('reads through one route Lambda that may Query but not Scan, and write only access records', () => {
    const fn = only(
      logicalIds(template, 'AWS::Lambda::Function').filter((id) => id.includes('IngestApiQuery')),
      'read function',
    );
    // Every read route, and only those, on it.
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method')).filter((m) =>
      JSON.stringify(m.Properties.Integration?.Uri ?? '').includes(fn),
    );
    // event, search, subject, queue, review; holds, erasures (list and one), deployments,
    // published keys, fairness reports (list and one)
    expect(methods.map((m) => m.Properties.HttpMethod)).toEqual(Array(12).fill('GET'));
    for (const method of methods) {
      expect(method.Properties).toMatchObject({
        AuthorizationType: 'CUSTOM',
        Integration: { Type: 'AWS_PROXY' },
      });
    }
    const statements = functionStatements(template, fn);
    const actions = actionsOf(statements);
    expect(actions).toContain('dynamodb:Query');
    expect(actions).not.toContain('dynamodb:Scan');
    expect(actions.filter((a: string) => a.startsWith('kinesis:'))).toEqual([]);
    // Its puts reach the access chains only; its updates the bookkeeping items only.
    for (const st of statements) {
      const acts = actionsOf([st]);
      if (acts.includes('dynamodb:PutItem')) {
        expect(st.Condition).toEqual({
          'ForAllValues:StringLike': {
            'dynamodb:LeadingKeys': ['_access', '*::_access', 'evt#access:*', 'evt#*::access:*'],
          },
        });
      }
      if (acts.includes('dynamodb:UpdateItem')) {
        expect(st.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys']).toEqual([
          ' meta#*',
        ]);
      }
      expect(acts).not.toContain('dynamodb:DeleteItem');
    }
  });

  it('keys the search indexes by term digests, with the terms projected and no Scan needed', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      GlobalSecondaryIndexes: Match.arrayWith(
        ['by_user', 'by_ref', 'by_chain', 'by_queue', 'by_tenant'].map((name) =>
          Match.objectLike({
            IndexName: name,
            Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['terms'] },
          }),
        ),
      ),
    });
  });

  it('lets the authorizer read one key item by digest, nothing else of the key store', () => {
    const fn = only(
      logicalIds(template, 'AWS::Lambda::Function').filter((id) => id.includes('Authorizer')),
      'authorizer',
    );
    const actions = actionsOf(functionStatements(template, fn)).filter(
      (a) => !a.startsWith('xray:') && !a.startsWith('logs:'),
    );
    expect(actions.sort()).toEqual(['dynamodb:GetItem', 'kms:Decrypt', 'kms:DescribeKey']);
  });

  it('throttles the stage and logs access to an encrypted log group', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: Match.arrayWith([
        Match.objectLike({ ThrottlingRateLimit: 500, ThrottlingBurstLimit: 1000 }),
      ]),
    });
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'prod',
      TracingEnabled: true,
      AccessLogSetting: {
        DestinationArn: Match.anyValue(),
        Format: Match.stringLikeRegexp('requestId'),
      },
      MethodSettings: [Match.objectLike({ LoggingLevel: 'ERROR', DataTraceEnabled: false })],
    });
  });
});

describe('alerts and monitoring', () => {
  it('routes PolicyViolation and FairnessReview events from the alerts bus to the topic', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: Match.anyValue() },
      EventPattern: {
        source: ['audit-trail'],
        'detail-type': ['PolicyViolation', 'FairnessReview'],
      },
      Targets: [Match.objectLike({ Arn: { Ref: Match.anyValue() } })],
    });
  });

  it('alarms on iterator age, queue depth, errors, throttles and API 5xx, to the topic', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    const metrics = alarms.map((a) => a.Properties.MetricName);
    expect(metrics).toContain('IteratorAge');
    expect(metrics.filter((m) => m === 'ApproximateNumberOfMessagesVisible')).toHaveLength(3);
    expect(metrics.filter((m) => m === 'Errors')).toHaveLength(15);
    expect(metrics.filter((m) => m === 'Throttles')).toHaveLength(15);
    expect(metrics).toContain('ExecutionsFailed');
    expect(metrics).toContain('5XXError');
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toHaveLength(1);
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });

  it('alarms on every blind spot: failing and rejected records, archive lag, stale checkpoints, stream write throttling', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(
      (a) => a.Properties,
    );
    const own = (name: string) => alarms.find((a) => a.MetricName === name);
    expect(own('Records_failed')).toMatchObject({
      Namespace: 'AuditTrail',
      Dimensions: [{ Name: 'service', Value: 'audit-trail' }],
      EvaluationPeriods: 3,
      Threshold: 1,
    });
    expect(own('Records_rejected')).toMatchObject({ Namespace: 'AuditTrail', Threshold: 1 });
    expect(own('ArchiveLagRecords')).toMatchObject({ Statistic: 'Maximum', EvaluationPeriods: 3 });
    expect(own('CheckpointRuns')).toMatchObject({
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
      Period: 300,
      EvaluationPeriods: 3,
    });
    expect(own('WriteProvisionedThroughputExceeded')).toMatchObject({
      Namespace: 'AWS/Kinesis',
      Threshold: 1,
    });
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });

  it('alarms on a flood of refused requests (API 4xx: each bad key invokes the authorizer)', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/ApiGateway',
      MetricName: '4XXError',
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1000,
      AlarmActions: [Match.anyValue()],
    });
  });

  it('alarms on errors of the OTLP traces function', () => {
    const otlp = Object.keys(template.findResources('AWS::Lambda::Function')).find((id) =>
      id.includes('OtlpTraces'),
    );
    expect(otlp).toBeDefined();
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: otlp } }],
      AlarmActions: [Match.anyValue()],
    });
  });
});

describe('outputs', () => {
  it('names the endpoint, archive bucket, public key location, ledger table and alerts bus', () => {
    const outputs = template.findOutputs('*');
    for (const name of [
      'ApiEndpoint',
      'ArchiveBucketName',
      'PublicKeyLocation',
      'LedgerTableName',
      'AlertsBusName',
    ]) {
      expect(outputs[name], name).toBeDefined();
    }
    expect(JSON.stringify(outputs.PublicKeyLocation?.Value)).toContain(
      '/keys/audit-trail.audittrail.vkey',
    );
  });
});

describe('snapshot', () => {
  it('matches the whole-stack snapshot (asset hashes normalised)', () => {
    const json = JSON.stringify(template.toJSON(), null, 1)
      .replace(/[0-9a-f]{64}(\.zip)?/g, '<asset-hash>$1')
      .replace(/"S3Bucket": \{[^}]*\}/g, '"S3Bucket": "<assets-bucket>"');
    expect(JSON.parse(json)).toMatchSnapshot();
  });
});
