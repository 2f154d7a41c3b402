/**
 * The deployed smoke suite: what no emulator can show, checked against a real stack.
 * Skipped (and saying why in its title) unless AUDIT_TRAIL_OUTPUTS names the file written
 * by `cdk deploy --outputs-file` and AWS credentials resolve: docs/DEPLOY.md, "Smoke test".
 *
 * It writes nothing that stays: every write it tries must be refused. Run it as an
 * operator or CI role, never as the account root (S3 always lets the root user change a
 * bucket policy), break-glass or the CloudFormation execution role (both exempt).
 */
import { randomUUID } from 'node:crypto';
import {
  APIGatewayClient,
  GetGatewayResponsesCommand,
  GetIntegrationCommand,
  GetResourcesCommand,
} from '@aws-sdk/client-api-gateway';
import { DeleteItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  GetKeyPolicyCommand,
  KMSClient,
  PutKeyPolicyCommand,
  SignCommand,
} from '@aws-sdk/client-kms';
import {
  DeleteObjectCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketPolicyCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { BATCH_PATH, GATEWAY_RESPONSES, INGEST_ROUTES } from '#lib/constructs/ingest-api.ts';
import {
  acceptedResponseTemplate,
  batchResponseTemplate,
  gatewayErrorTemplate,
  putRecordsTemplate,
  putRecordTemplate,
} from '#lib/constructs/ingest-mapping.ts';
import { deployedStack, type StackOutputs } from './deployed-stack.ts';

const deployed = await deployedStack();
const title = deployed.ready
  ? 'the deployed stack'
  : `the deployed stack (skipped: ${deployed.reason})`;

if (!deployed.ready) console.warn(`deployed smoke suite skipped: ${deployed.reason}`);

const DAY = 86_400_000;
const denied = { name: 'AccessDenied' };
const kmsDenied = { name: 'AccessDeniedException' };

// Skipped tests are still listed (as skipped), so they need the names below even without a stack.
const { outputs, region } = deployed.ready
  ? deployed
  : { outputs: {} as StackOutputs, region: 'us-east-1' };

describe.skipIf(!deployed.ready)(title, () => {
  const s3 = new S3Client({ region });
  const Bucket = outputs.ArchiveBucketName;
  const smokeKey = (what: string) => `smoke/${what}-${randomUUID()}`;

  it('serves the mapping templates byte for byte as lib/constructs/ingest-mapping.ts writes them', async () => {
    const apigw = new APIGatewayClient({ region });
    const restApiId = new URL(outputs.ApiEndpoint).hostname.split('.')[0] ?? '';
    const { items = [] } = await apigw.send(new GetResourcesCommand({ restApiId, limit: 500 }));
    const resourceOf = (parts: readonly string[]) => {
      const id = items.find((r) => r.path === `/${parts.join('/')}`)?.id;
      expect(id, parts.join('/')).toBeDefined();
      return id as string;
    };
    const lanes = Number(process.env.AUDIT_TRAIL_LANES_PER_CHAIN ?? '1');
    const integration = (parts: readonly string[]) =>
      apigw.send(
        new GetIntegrationCommand({ restApiId, resourceId: resourceOf(parts), httpMethod: 'POST' }),
      );

    for (const { path, route } of INGEST_ROUTES) {
      const deployedIntegration = await integration(path);
      const template = deployedIntegration.requestTemplates?.['application/json'] ?? '';
      const streamName = /"StreamName": ?"([^"]+)"/.exec(template)?.[1] ?? '';
      expect(template, route).toBe(
        putRecordTemplate({
          streamName,
          route,
          lanes,
          ...(route === 'outcome' ? { eventIdFields: ['event_id'] } : {}),
        }),
      );
      expect(
        deployedIntegration.integrationResponses?.['202']?.responseTemplates?.['application/json'],
      ).toBe(acceptedResponseTemplate());
    }
    const batch = await integration(BATCH_PATH);
    const batchTemplate = batch.requestTemplates?.['application/json'] ?? '';
    const streamName = /"StreamName": ?"([^"]+)"/.exec(batchTemplate)?.[1] ?? '';
    expect(batchTemplate).toBe(putRecordsTemplate({ streamName, route: 'batch', lanes }));
    expect(batch.integrationResponses?.['202']?.responseTemplates?.['application/json']).toBe(
      batchResponseTemplate(),
    );

    const responses = await apigw.send(new GetGatewayResponsesCommand({ restApiId, limit: 500 }));
    for (const [type, code] of GATEWAY_RESPONSES) {
      const found = responses.items?.find((r) => r.responseType === type.responseType);
      expect(found?.responseTemplates?.['application/json'], type.responseType).toBe(
        gatewayErrorTemplate(code),
      );
    }
  });

  it('refuses an object write without If-None-Match (the overwrite deny)', async () => {
    await expect(
      s3.send(new PutObjectCommand({ Bucket, Key: smokeKey('overwrite'), Body: 'x' })),
    ).rejects.toMatchObject(denied);
  });

  it('refuses the delete-marker attack and version deletes; the object stays current', async () => {
    const Key = new URL(outputs.PublicKeyLocation).pathname.slice(1);
    const { VersionId } = await s3.send(new HeadObjectCommand({ Bucket, Key }));

    await expect(s3.send(new DeleteObjectCommand({ Bucket, Key }))).rejects.toMatchObject(denied);
    await expect(
      s3.send(new DeleteObjectCommand({ Bucket, Key, VersionId })),
    ).rejects.toMatchObject(denied);

    const versions = await s3.send(new ListObjectVersionsCommand({ Bucket, Prefix: Key }));
    expect(versions.DeleteMarkers ?? []).toEqual([]);
    expect((await s3.send(new HeadObjectCommand({ Bucket, Key }))).VersionId).toBe(VersionId);
  });

  it('refuses GOVERNANCE mode, a short retention, and writes under keys/ by anyone but the checkpointer', async () => {
    const put = (Key: string, mode: 'GOVERNANCE' | 'COMPLIANCE', days: number) =>
      s3.send(
        new PutObjectCommand({
          Bucket,
          Key,
          Body: 'x',
          IfNoneMatch: '*',
          ObjectLockMode: mode,
          ObjectLockRetainUntilDate: new Date(Date.now() + days * DAY),
        }),
      );
    await expect(put(smokeKey('governance'), 'GOVERNANCE', 4000)).rejects.toMatchObject(denied);
    await expect(put(smokeKey('short'), 'COMPLIANCE', 1)).rejects.toMatchObject(denied);
    await expect(
      s3.send(
        new PutObjectCommand({
          Bucket,
          Key: `keys/${randomUUID()}.vkey`,
          Body: 'x',
          IfNoneMatch: '*',
        }),
      ),
    ).rejects.toMatchObject(denied);
  });

  it('refuses bucket policy and lifecycle changes (re-putting the current ones)', async () => {
    const { Policy } = await s3.send(new GetBucketPolicyCommand({ Bucket }));
    await expect(
      s3.send(new PutBucketPolicyCommand({ Bucket, Policy: Policy ?? '' })),
    ).rejects.toMatchObject(denied);
    const { Rules } = await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket }));
    await expect(
      s3.send(
        new PutBucketLifecycleConfigurationCommand({
          Bucket,
          LifecycleConfiguration: { Rules: Rules ?? [] },
        }),
      ),
    ).rejects.toMatchObject(denied);
  });

  it('refuses a signature and a key policy change on the signing key', async () => {
    const kms = new KMSClient({ region });
    const KeyId = outputs.SigningKeyArn;
    await expect(
      kms.send(
        new SignCommand({
          KeyId,
          Message: new TextEncoder().encode('forged checkpoint'),
          SigningAlgorithm: 'ED25519_SHA_512',
          MessageType: 'RAW',
        }),
      ),
    ).rejects.toMatchObject(kmsDenied);
    const { Policy } = await kms.send(new GetKeyPolicyCommand({ KeyId, PolicyName: 'default' }));
    await expect(
      kms.send(new PutKeyPolicyCommand({ KeyId, PolicyName: 'default', Policy: Policy ?? '' })),
    ).rejects.toMatchObject(kmsDenied);
  });

  it('refuses a ledger delete by its resource policy (not by the condition)', async () => {
    const dynamo = new DynamoDBClient({ region });
    await expect(
      dynamo.send(
        new DeleteItemCommand({
          TableName: outputs.LedgerTableName,
          Key: { chain: { S: `smoke-${randomUUID()}` }, seq: { N: '0' } },
          ConditionExpression: 'attribute_exists(chain)',
        }),
      ),
    ).rejects.toMatchObject(kmsDenied);
  });
});
