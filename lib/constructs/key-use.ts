/** KMS actions a data-plane writer needs on an S3, DynamoDB or SQS customer key: no
 * wildcards (`grantEncryptDecrypt` would add `ReEncrypt*` and `GenerateDataKey*`). */
export const KEY_USE_ACTIONS = [
  'kms:Encrypt',
  'kms:Decrypt',
  'kms:GenerateDataKey',
  'kms:DescribeKey',
] as const;
