/** The failure queue shape the processor and the scheduled functions share. */
import { Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { rotatingKey } from './key-use.ts';

export interface DeadLetterQueueProps {
  /** Description of the queue's own key (`<scope>/QueueKey`). */
  readonly keyDescription: string;
  /** Why the queue itself needs no dead-letter queue (cdk-nag AwsSolutions-SQS3). */
  readonly noDlqReason: string;
  readonly removalPolicy: RemovalPolicy;
  /** How long a received message stays hidden; at least its consumer's timeout.
   * @default Duration.seconds(30) */
  readonly visibilityTimeout?: Duration;
}

/** An SQS queue `<scope>/<id>` encrypted with its own rotating key, TLS only, keeping
 * messages 14 days. */
export function deadLetterQueue(
  scope: Construct,
  id: string,
  props: DeadLetterQueueProps,
): sqs.Queue {
  const queue = new sqs.Queue(scope, id, {
    encryption: sqs.QueueEncryption.KMS,
    encryptionMasterKey: rotatingKey(scope, 'QueueKey', props.keyDescription, props.removalPolicy),
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
    ...(props.visibilityTimeout === undefined
      ? {}
      : { visibilityTimeout: props.visibilityTimeout }),
    removalPolicy: props.removalPolicy,
  });
  Validations.of(queue).acknowledge({ id: 'AwsSolutions-SQS3', reason: props.noDlqReason });
  return queue;
}
