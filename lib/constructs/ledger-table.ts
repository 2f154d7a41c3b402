/**
 * The ledger: one DynamoDB table holding every chain (PK `chain` S, SK `seq` N), the event
 * id index items and the per-chain bookkeeping items (see lambdas/adapters/aws/dynamo-ledger.ts).
 * Records are never mutated: a resource policy denies UpdateItem on anything but bookkeeping
 * items, and DeleteItem/BatchWriteItem altogether, to every principal except the purge role.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { ADMIN_CHAIN } from '#core/admin/admin-chain.ts';
import { META_KEY_PREFIX } from '#core/chain/ledger-keys.ts';
import { SEARCH_INDEXES, SEARCH_SORT_KEY, TERMS_ATTRIBUTE } from '#core/search/index-keys.ts';
import { acknowledgeRule } from '#lib/nag.ts';
import { KEY_USE_ACTIONS, rotatingKey } from './key-use.ts';

export const LEDGER_INDEXES = {
  /** Records by event id (PK `event_id`). */
  byEventId: 'by_event_id',
  /** Sparse index of chain bookkeeping items (PK `registry`, SK `chain_name`). */
  chains: 'chains',
  /** The search indexes (core/search/index-keys.ts): PK a term digest, SK `ingested_at`,
   * with the record's terms projected for filtering. by_user, by_chain, by_queue, … */
  ...Object.fromEntries(SEARCH_INDEXES.map((index) => [index.name, index.name])),
} as const;

const READ_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:Scan',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DescribeTable',
] as const;

/** Reads by key; no Scan. */
const KEY_READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'] as const;

/** Key-conditioned reads and conditional puts; no Scan. */
const QUERY_ACTIONS = [...KEY_READ_ACTIONS, 'dynamodb:ConditionCheckItem', 'dynamodb:PutItem'];

export interface LedgerTableProps {
  /** The only principal allowed to update or delete items (it removes purged bodies).
   * @default none: nobody may update a record or delete an item */
  readonly purgeRole?: iam.IRole;
  /** @default a new key with yearly rotation */
  readonly encryptionKey?: kms.IKey;
  /** RETAIN also turns on deletion protection. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

export const ledgerTableDefaults = {
  removalPolicy: RemovalPolicy.RETAIN,
  billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
  pointInTimeRecoverySpecification: {
    pointInTimeRecoveryEnabled: true,
    recoveryPeriodInDays: 35,
  },
} as const;

/** What a re-index may name in an UpdateItem of a record: its key, its terms and the
 * search indexes' key attributes. */
const REINDEX_ATTRIBUTES = [
  'chain',
  'seq',
  TERMS_ATTRIBUTE,
  ...SEARCH_INDEXES.map((index) => index.key),
];

export class LedgerTable extends Construct {
  public readonly table: dynamodb.Table;
  public readonly encryptionKey: kms.IKey;

  constructor(scope: Construct, id: string, props: LedgerTableProps = {}) {
    super(scope, id);
    const p = { ...ledgerTableDefaults, ...props };
    if (p.removalPolicy !== RemovalPolicy.RETAIN && p.removalPolicy !== RemovalPolicy.DESTROY) {
      throw new Error(`${id}: removalPolicy must be RETAIN or DESTROY`);
    }

    this.encryptionKey =
      p.encryptionKey ??
      rotatingKey(this, 'Key', 'Audit trail: ledger table encryption', p.removalPolicy);

    const exceptPurge = p.purgeRole
      ? { ArnNotEquals: { 'aws:PrincipalArn': p.purgeRole.roleArn } }
      : {};
    const recordKeys = {
      'ForAnyValue:StringNotLike': { 'dynamodb:LeadingKeys': [`${META_KEY_PREFIX}*`] },
    };
    // `*` is this table: a resource policy cannot name its own table without a cycle.
    const resourcePolicy = new iam.PolicyDocument({
      statements: [
        new iam.PolicyStatement({
          sid: 'RecordsAreNeverUpdated',
          effect: iam.Effect.DENY,
          principals: [new iam.AnyPrincipal()],
          actions: ['dynamodb:PartiQLUpdate'],
          resources: ['*'],
          conditions: { ...exceptPurge, ...recordKeys },
        }),
        // Search terms and index keys are not hashed: `audit-trail search reindex` may set
        // them (UpdateItem naming only them); any other attribute of a record, never.
        new iam.PolicyStatement({
          sid: 'RecordsAreUpdatedOnlyInTheirSearchIndex',
          effect: iam.Effect.DENY,
          principals: [new iam.AnyPrincipal()],
          actions: ['dynamodb:UpdateItem'],
          resources: ['*'],
          conditions: {
            ...exceptPurge,
            'ForAnyValue:StringNotLike': {
              ...recordKeys['ForAnyValue:StringNotLike'],
              'dynamodb:Attributes': REINDEX_ATTRIBUTES,
            },
          },
        }),
        // …and an UpdateItem whose attributes IAM cannot see is denied outright.
        new iam.PolicyStatement({
          sid: 'RecordsAreUpdatedOnlyByNamedAttributes',
          effect: iam.Effect.DENY,
          principals: [new iam.AnyPrincipal()],
          actions: ['dynamodb:UpdateItem'],
          resources: ['*'],
          conditions: { ...exceptPurge, ...recordKeys, Null: { 'dynamodb:Attributes': 'true' } },
        }),
        new iam.PolicyStatement({
          sid: 'ItemsAreNeverDeleted',
          effect: iam.Effect.DENY,
          principals: [new iam.AnyPrincipal()],
          actions: ['dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:PartiQLDelete'],
          resources: ['*'],
          ...(p.purgeRole ? { conditions: exceptPurge } : {}),
        }),
      ],
    });

    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: 'chain', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'seq', type: dynamodb.AttributeType.NUMBER },
      billingMode: p.billingMode,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.encryptionKey,
      pointInTimeRecoverySpecification: p.pointInTimeRecoverySpecification,
      deletionProtection: p.removalPolicy === RemovalPolicy.RETAIN,
      removalPolicy: p.removalPolicy,
      resourcePolicy,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: LEDGER_INDEXES.byEventId,
      partitionKey: { name: 'event_id', type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.KEYS_ONLY,
    });
    for (const index of SEARCH_INDEXES) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.key, type: dynamodb.AttributeType.STRING },
        sortKey: { name: SEARCH_SORT_KEY, type: dynamodb.AttributeType.STRING },
        projectionType: dynamodb.ProjectionType.INCLUDE,
        nonKeyAttributes: [TERMS_ATTRIBUTE],
      });
    }
    this.table.addGlobalSecondaryIndex({
      indexName: LEDGER_INDEXES.chains,
      partitionKey: { name: 'registry', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'chain_name', type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.KEYS_ONLY,
    });

    acknowledgeRule(
      this.table,
      'DynamoDBInBackupPlan',
      'Continuous backups by PITR (35 days); the authoritative copy of every record is the S3 Object Lock archive, which the verifier rebuilds the chain from.',
    );
  }

  /** Read records, index items and bookkeeping (GetItem, BatchGetItem, Query, Scan), on
   * the table and its indexes by name. */
  grantRead(grantee: iam.IGrantable): iam.Grant {
    this.encryptionKey.grant(grantee, 'kms:Decrypt', 'kms:DescribeKey');
    return iam.Grant.addToPrincipal({
      grantee,
      actions: [...READ_ACTIONS],
      resourceArns: [this.table.tableArn, ...this.indexArns()],
    });
  }

  /** What the processor needs: read, put new items (records are put with
   * attribute_not_exists, in transactions), and update bookkeeping items only. */
  grantAppend(grantee: iam.IGrantable): iam.Grant {
    this.grantRead(grantee);
    this.grantBookkeeping(grantee);
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['dynamodb:PutItem', 'dynamodb:ConditionCheckItem'],
      resourceArns: [this.table.tableArn],
    });
  }

  /** Append without Scan: GetItem, BatchGetItem, Query and ConditionCheckItem (table and
   * indexes), PutItem, and bookkeeping updates. For readers that must page through the
   * ledger by key (the fairness review), so a table Scan is not even possible. */
  grantQueryAppend(grantee: iam.IGrantable): iam.Grant {
    this.encryptionKey.grant(grantee, 'kms:Decrypt', 'kms:DescribeKey');
    this.grantBookkeeping(grantee);
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['dynamodb:Query'],
      resourceArns: this.indexArns(),
    });
    return iam.Grant.addToPrincipal({
      grantee,
      actions: [...QUERY_ACTIONS],
      resourceArns: [this.table.tableArn],
    });
  }

  /** Read by key only: GetItem, BatchGetItem and Query on the table, Query on its
   * indexes; no Scan, no write. What the read routes need (search, lookups, the queue). */
  grantQuery(grantee: iam.IGrantable): iam.Grant {
    this.encryptionKey.grant(grantee, 'kms:Decrypt', 'kms:DescribeKey');
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['dynamodb:Query'],
      resourceArns: this.indexArns(),
    });
    return iam.Grant.addToPrincipal({
      grantee,
      actions: [...KEY_READ_ACTIONS],
      resourceArns: [this.table.tableArn],
    });
  }

  /** Append to the product's access chains only (`_access`, `<tenant>::_access`, and
   * their event-index items): a read route records its raw reads, and can write nothing
   * else. With grantQuery, what the read routes get. */
  grantAccessAppend(grantee: iam.IGrantable): iam.Grant {
    return this.grantPutWhere(grantee, [
      '_access',
      '*::_access',
      'evt#access:*',
      'evt#*::access:*',
    ]);
  }

  /** Read the admin chain only (its records, its bookkeeping item) and the event index
   * (idempotent appends look event ids up): Query, GetItem, BatchGetItem by those keys. */
  grantAdminRead(grantee: iam.IGrantable): iam.Grant {
    this.encryptionKey.grant(grantee, 'kms:Decrypt', 'kms:DescribeKey');
    return iam.Grant.addToPrincipal({
      grantee,
      actions: [...KEY_READ_ACTIONS],
      resourceArns: [this.table.tableArn],
      conditions: {
        'ForAllValues:StringLike': {
          'dynamodb:LeadingKeys': [ADMIN_CHAIN, `${META_KEY_PREFIX}${ADMIN_CHAIN}`, 'evt#*'],
        },
      },
    });
  }

  /** Append to the admin chain only, with event-index items of event ids starting with
   * one of `eventIdPrefixes` (`hold_`, `dep_`, …): a governance route records its own
   * actions and can write nothing else. With grantAdminRead or grantQuery. */
  grantAdminAppend(grantee: iam.IGrantable, eventIdPrefixes: readonly string[]): iam.Grant {
    return this.grantPutWhere(grantee, [
      ADMIN_CHAIN,
      `${META_KEY_PREFIX}${ADMIN_CHAIN}`,
      ...eventIdPrefixes.map((prefix) => `evt#${prefix}*`),
    ]);
  }

  /** UpdateItem on the bookkeeping items (` meta#…`) only, e.g. for the checkpointer. */
  grantBookkeeping(grantee: iam.IGrantable): iam.Grant {
    this.encryptionKey.grant(grantee, ...KEY_USE_ACTIONS);
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['dynamodb:UpdateItem'],
      resourceArns: [this.table.tableArn],
      conditions: {
        'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${META_KEY_PREFIX}*`] },
      },
    });
  }

  /** Bookkeeping updates plus conditional puts on items whose partition key matches one
   * of `leadingKeys`: the shape of every append limited to some chains. */
  private grantPutWhere(grantee: iam.IGrantable, leadingKeys: readonly string[]): iam.Grant {
    this.grantBookkeeping(grantee);
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['dynamodb:PutItem', 'dynamodb:ConditionCheckItem'],
      resourceArns: [this.table.tableArn],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...leadingKeys] } },
    });
  }

  private indexArns(): string[] {
    return Object.values(LEDGER_INDEXES).map((index) => `${this.table.tableArn}/index/${index}`);
  }
}
