/** Customer managed KMS keys: how the stack creates them and what data-plane writers get. */
import type { RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';

/** KMS actions a data-plane writer needs on an S3, DynamoDB or SQS customer key: no
 * wildcards (`grantEncryptDecrypt` would add `ReEncrypt*` and `GenerateDataKey*`). */
export const KEY_USE_ACTIONS = [
  'kms:Encrypt',
  'kms:Decrypt',
  'kms:GenerateDataKey',
  'kms:DescribeKey',
] as const;

/** A symmetric customer managed key with yearly rotation: the key of every encrypted
 * resource the stack creates (stream, table, archive, queues, topic, logs). */
export const rotatingKey = (
  scope: Construct,
  id: string,
  description: string,
  removalPolicy: RemovalPolicy,
): kms.Key => new kms.Key(scope, id, { description, enableKeyRotation: true, removalPolicy });
