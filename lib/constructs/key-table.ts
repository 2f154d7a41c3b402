/**
 * The API key store on AWS: one item per key, keyed by the key's SHA-256 digest (never the
 * key), with its tenant, role and chain scope (lambdas/adapters/aws/dynamo-key-store.ts).
 * `audit-trail keys create|list|revoke --table <name>` manages it; the authorizer reads one
 * item per request key (GetItem, cached), never a list.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { acknowledgeRule } from '#lib/nag.ts';
import { rotatingKey } from './key-use.ts';

export interface KeyTableProps {
  /** RETAIN also turns on deletion protection. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

export class KeyTable extends Construct {
  public readonly table: dynamodb.Table;
  public readonly encryptionKey: kms.IKey;

  constructor(scope: Construct, id: string, props: KeyTableProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.encryptionKey = rotatingKey(this, 'Key', 'Audit trail: API key store', removalPolicy);
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: 'digest', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.encryptionKey,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: removalPolicy === RemovalPolicy.RETAIN,
      removalPolicy,
    });
    acknowledgeRule(
      this.table,
      'DynamoDBInBackupPlan',
      'Continuous backups by PITR; keys are re-created with `audit-trail keys create` if ever lost.',
    );
  }

  /** One item by digest: what the authorizer needs, and nothing that lists keys. */
  grantLookup(grantee: iam.IGrantable): iam.Grant {
    this.encryptionKey.grant(grantee, 'kms:Decrypt', 'kms:DescribeKey');
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['dynamodb:GetItem'],
      resourceArns: [this.table.tableArn],
    });
  }
}
