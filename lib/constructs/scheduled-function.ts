/** The shape the checkpointer and the fairness review share: a schedule checked at synth,
 * the dead-letter queue of the scheduled invocations, and a Lambda that runs one at a time. */
import type { RemovalPolicy } from 'aws-cdk-lib';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { isSchedule } from '#lib/config.ts';
import { AuditFunction, type AuditFunctionProps } from './audit-function.ts';
import { deadLetterQueue } from './dead-letter-queue.ts';

export interface ScheduledFunctionProps
  extends Omit<AuditFunctionProps, 'deadLetterQueue' | 'reservedConcurrentExecutions'> {
  /** `rate(…)` or `cron(…)`; anything else fails the synth. */
  readonly schedule: string;
  /** Description of the dead-letter queue's own key. */
  readonly queueKeyDescription: string;
  readonly removalPolicy: RemovalPolicy;
}

/** `<scope>/DeadLetterQueue` (key `<scope>/QueueKey`) and `<scope>/Handler`, reserved
 * concurrency 1 (a run, or a retry, never races another), failing into that queue. */
export function scheduledFunction(
  scope: Construct,
  props: ScheduledFunctionProps,
): { handler: AuditFunction; deadLetterQueue: sqs.Queue } {
  const { schedule, queueKeyDescription, ...functionProps } = props;
  if (!isSchedule(schedule)) {
    throw new Error(`${scope.node.id}: schedule must be rate(…) or cron(…), got "${schedule}"`);
  }
  const queue = deadLetterQueue(scope, 'DeadLetterQueue', {
    keyDescription: queueKeyDescription,
    noDlqReason: 'This queue is itself the dead-letter queue of the scheduled invocations.',
    removalPolicy: props.removalPolicy,
  });
  const handler = new AuditFunction(scope, 'Handler', {
    ...functionProps,
    reservedConcurrentExecutions: 1,
    deadLetterQueue: queue,
  });
  return { handler, deadLetterQueue: queue };
}
