import type { IntakeEnvelope } from '#core/events/envelope.ts';
import type { EnvelopeOutcome } from '#core/pipeline/outcome.ts';
import type { LogPort } from '#ports/log.ts';
import type { PartitionQueues, StreamItem } from './stream-partitions.ts';
import { errorText } from './stream-position.ts';

export interface DeliveryOptions {
  readonly consumer: (batch: readonly IntakeEnvelope[]) => Promise<readonly EnvelopeOutcome[]>;
  readonly batchSize: number;
  /** How long to gather a batch before delivering a smaller one. */
  readonly windowMs: number;
  /** Batches in flight at once (on disjoint partitions). */
  readonly concurrency: number;
  readonly log: LogPort;
  /** Called after each batch is settled (done items and retries recorded). */
  readonly afterBatch: () => void;
}

/**
 * Takes batches from the partition queues and hands them to the consumer: at once when a
 * full batch is ready, else after the batch window; a partition backing off after a failure
 * wakes the timer when its backoff ends, without holding back the others.
 */
export class StreamDelivery {
  readonly #queues: PartitionQueues;
  readonly #options: DeliveryOptions;
  #timer: NodeJS.Timeout | undefined;
  /** When `#timer` fires (epoch ms). */
  #timerAt = 0;
  #inFlight = 0;
  #stopped = false;
  readonly #running = new Set<Promise<void>>();
  #processed = 0;
  #redeliveries = 0;

  constructor(queues: PartitionQueues, options: DeliveryOptions) {
    this.#queues = queues;
    this.#options = options;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  /** Envelopes the consumer finished (any outcome but failed). */
  get processed(): number {
    return this.#processed;
  }

  /** Deliveries of an envelope beyond its first. */
  get redeliveries(): number {
    return this.#redeliveries;
  }

  /** Sets the timer for the next delivery, if anything is or will be ready. */
  schedule(): void {
    if (this.#stopped || this.#inFlight >= this.#options.concurrency) return;
    const now = Date.now();
    const ready = this.#queues.readyCount(now);
    if (ready === 0) {
      const retryAt = this.#queues.nextRetryAt();
      if (retryAt !== undefined) this.#wakeAt(retryAt, now);
      return;
    }
    this.#wakeAt(now + (ready >= this.#options.batchSize ? 0 : this.#options.windowMs), now);
  }

  /** Stops delivering and waits for the batches out with the consumer. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await Promise.all(this.#running);
  }

  /** Sets the timer, unless one already fires at or before `at`. */
  #wakeAt(at: number, now: number): void {
    if (this.#timer !== undefined) {
      if (this.#timerAt <= at) return;
      clearTimeout(this.#timer);
    }
    this.#timerAt = at;
    this.#timer = setTimeout(() => this.#tick(), Math.max(0, at - now));
  }

  #tick(): void {
    this.#timer = undefined;
    while (!this.#stopped && this.#inFlight < this.#options.concurrency) {
      const batch = this.#queues.take(this.#options.batchSize, Date.now());
      if (batch.length === 0) break;
      const running = this.#deliver(batch);
      this.#running.add(running);
      void running.finally(() => this.#running.delete(running));
    }
    this.schedule();
  }

  async #deliver(batch: StreamItem[]): Promise<void> {
    this.#inFlight++;
    for (const item of batch) {
      item.deliveries++;
      if (item.deliveries > 1) this.#redeliveries++;
    }
    let outcomes: readonly EnvelopeOutcome[] | undefined;
    let failure: string | undefined;
    try {
      outcomes = await this.#options.consumer(batch.map((i) => i.entry.e));
      if (outcomes.length !== batch.length) {
        failure = `consumer answered ${outcomes.length} outcomes for ${batch.length} envelopes`;
        outcomes = undefined;
      }
    } catch (error) {
      failure = errorText(error);
    }
    const { done, retries } = this.#queues.settle(batch, outcomes, failure, Date.now());
    this.#processed += done;
    for (const retry of retries) {
      this.#options.log.warn('stream: redelivering a partition after a failure', {
        partition: retry.partition,
        attempt: retry.attempt,
        delay_ms: retry.delayMs,
        error: retry.error,
      });
    }
    this.#inFlight--;
    this.#options.afterBatch();
    this.schedule();
  }
}
