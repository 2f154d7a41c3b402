/**
 * Alerts: an EventBridge bus the processor puts PolicyViolation events on, and a rule that
 * forwards them to an SNS topic (KMS-encrypted, TLS only), optionally mailed to a person.
 * The same topic receives the operational alarms (see monitoring.ts).
 */
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { ALERT_DETAIL_TYPE, ALERT_SOURCE, FAIRNESS_DETAIL_TYPE } from '#ports/alerts.ts';
import { rotatingKey } from './key-use.ts';

export interface AlertsProps {
  /** Subscribed to the topic by e-mail (confirmation required). @default none */
  readonly email?: string;
  /** Of the key. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export class Alerts extends Construct {
  public readonly bus: events.EventBus;
  public readonly topic: sns.Topic;
  public readonly rule: events.Rule;
  public readonly encryptionKey: kms.Key;

  constructor(scope: Construct, id: string, props: AlertsProps = {}) {
    super(scope, id);
    if (props.email !== undefined && !EMAIL.test(props.email)) {
      throw new Error(`${id}: email is not an e-mail address: "${props.email}"`);
    }
    const { account } = Stack.of(this);

    this.bus = new events.EventBus(this, 'Bus', {
      description: 'Audit trail: PolicyViolation events',
    });

    this.encryptionKey = rotatingKey(
      this,
      'Key',
      'Audit trail: alert topic encryption',
      props.removalPolicy ?? RemovalPolicy.RETAIN,
    );
    // EventBridge and CloudWatch alarms publish to the encrypted topic.
    this.encryptionKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AlertPublishers',
        principals: [
          new iam.ServicePrincipal('events.amazonaws.com'),
          new iam.ServicePrincipal('cloudwatch.amazonaws.com'),
        ],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': account } },
      }),
    );
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'Audit trail alerts',
      masterKey: this.encryptionKey,
      enforceSSL: true,
    });
    if (props.email !== undefined) {
      this.topic.addSubscription(new subscriptions.EmailSubscription(props.email));
    }

    this.rule = new events.Rule(this, 'PolicyViolations', {
      eventBus: this.bus,
      description: 'Audit trail: policy violations to the alert topic',
      eventPattern: {
        source: [ALERT_SOURCE],
        detailType: [ALERT_DETAIL_TYPE, FAIRNESS_DETAIL_TYPE],
      },
    });
    this.rule.addTarget(new targets.SnsTopic(this.topic));
  }
}
