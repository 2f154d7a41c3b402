import { AuditTrailError } from '#core/errors.ts';
import type { IntakeEnvelope } from '#core/events/envelope.ts';
import type { EnvelopeOutcome } from '#core/pipeline/outcome.ts';
import type { LogPort } from '#ports/log.ts';
import { mkdirSynced } from './file-io.ts';
import { GroupCommit } from './group-commit.ts';
import { StreamDelivery } from './stream-delivery.ts';
import { PartitionQueues } from './stream-partitions.ts';
import { CommittedPosition, errorText } from './stream-position.ts';
import { Wal, type WalEntry } from './wal.ts';

/** Raised by `publish` once the stream is draining or closed. */
export class StreamClosedError extends AuditTrailError {
  readonly code = 'stream_closed';
  override readonly name = 'StreamClosedError';
  constructor() {
    super('the stream no longer accepts events');
  }
}

/** Raised by `publish` after a WAL write failed: durability can no longer be promised. */
export class StreamFailedError extends AuditTrailError {
  readonly code = 'stream_failed';
  override readonly name = 'StreamFailedError';
}

export interface DurableStreamOptions {
  /** Processes a batch; answers one outcome per envelope, in order (see processBatch). */
  readonly consumer: (batch: readonly IntakeEnvelope[]) => Promise<readonly EnvelopeOutcome[]>;
  /** Ordering holds per partition key (the chain key). */
  readonly partitionKeyOf: (envelope: IntakeEnvelope) => string;
  /** @default 500 */
  readonly batchSize?: number;
  /** How long to gather a batch before delivering a smaller one. @default 5 */
  readonly batchWindowMs?: number;
  /** Backoff before a failed partition is redelivered. @default { baseMs: 100, maxMs: 5000 } */
  readonly retry?: { readonly baseMs: number; readonly maxMs: number };
  /** Batches in flight at once (on disjoint partitions). @default 1 */
  readonly concurrency?: number;
  /** A WAL segment is rotated past this size. @default 16 MiB */
  readonly segmentBytes?: number;
  readonly log: LogPort;
}

export interface DurableStreamStats {
  /** Envelopes acknowledged by publish since open. */
  readonly published: number;
  /** Envelopes the consumer finished (any outcome but failed) since open. */
  readonly processed: number;
  /** Envelopes accepted or replayed and not yet finished. */
  readonly pending: number;
  /** Deliveries of an envelope beyond its first. */
  readonly redeliveries: number;
  /** WAL fsyncs: with group commit, far fewer than publishes. */
  readonly fsyncs: number;
  readonly walSegments: number;
  /** Envelopes replayed from the WAL at open. */
  readonly replayed: number;
}

/** The in-process stand-in for Kinesis: durable, ordered per partition, at-least-once. */
export interface DurableStream {
  /** Resolves once the envelopes are in the WAL and fsynced. */
  publish(envelopes: readonly IntakeEnvelope[]): Promise<void>;
  /** Stops accepting (publish throws StreamClosedError) and waits until all is processed. */
  drain(): Promise<void>;
  /** Stops delivering and releases the WAL; what is unprocessed is replayed at next open. */
  close(): Promise<void>;
  /** When everything published is processed, deletes the WAL's segments so no event bytes
   * stay on disk (the purge calls it); false when there is work in flight. */
  compact(): Promise<boolean>;
  stats(): DurableStreamStats;
}

/**
 * Opens the stream over `dir`, replaying what was published but not committed (also after
 * kill -9), and starts delivering to the consumer.
 *
 * The parts: the `Wal` (durable entries and the committed position), a `GroupCommit` of
 * publishes into it, `PartitionQueues` (what is undone, per partition), `StreamDelivery`
 * (batches to the consumer, with backoff) and `CommittedPosition` (persisted after each
 * batch).
 */
export const openDurableStream = async (
  dir: string,
  options: DurableStreamOptions,
): Promise<DurableStream> => {
  const { log } = options;
  await mkdirSynced(dir);
  const { wal, recovery } = await Wal.open(dir, options.segmentBytes ?? 16 * 1024 * 1024);
  if (recovery.cutBytes > 0) log.warn('stream: cut a torn WAL tail', { bytes: recovery.cutBytes });

  const queues = new PartitionQueues(options.retry ?? { baseMs: 100, maxMs: 5000 });
  for (const entry of recovery.replay) queues.enqueue(entry);
  let nextOrdinal = recovery.next;
  /** Every ordinal below this is in the WAL and in a partition queue (or done). */
  let durableNext = recovery.next;
  let published = 0;
  let accepting = true;
  const position = new CommittedPosition(wal, () => queues.lowestUndone(durableNext), log);
  const idle = new IdleWaiters();

  const delivery = new StreamDelivery(queues, {
    consumer: options.consumer,
    batchSize: options.batchSize ?? 500,
    windowMs: options.batchWindowMs ?? 5,
    concurrency: options.concurrency ?? 1,
    log,
    afterBatch: () => {
      void position.commit();
      idle.check(isIdle());
    },
  });

  // Publishing: every publish waiting while a write+fsync runs goes out with the next one;
  // fail-stop (GroupCommit): after a failed WAL write every publish is refused.
  const publishes = new GroupCommit<readonly IntakeEnvelope[]>({
    write: async (group) => {
      const entries: WalEntry[] = [];
      for (const envelopes of group) {
        for (const e of envelopes) {
          entries.push({ n: nextOrdinal++, k: options.partitionKeyOf(e), e });
        }
      }
      await wal.append(entries);
      for (const entry of entries) queues.enqueue(entry);
      durableNext = nextOrdinal;
      published += entries.length;
      delivery.schedule();
    },
    failure: (cause) => new StreamFailedError('stream: WAL write failed', { cause }),
    onFailure: (error) =>
      log.error('stream: WAL write failed; refusing further events', {
        error: errorText(error.cause),
      }),
    onIdle: () => idle.check(isIdle()),
  });

  const isIdle = (): boolean => queues.queued === 0 && delivery.inFlight === 0 && publishes.idle;

  delivery.schedule();

  return {
    publish: (envelopes) => {
      if (!accepting) return Promise.reject(new StreamClosedError());
      if (publishes.failed !== undefined) return Promise.reject(publishes.failed);
      if (envelopes.length === 0) return Promise.resolve();
      return publishes.push(envelopes);
    },
    drain: async () => {
      accepting = false;
      if (!isIdle()) await idle.wait();
      await position.commit();
    },
    close: async () => {
      accepting = false;
      const delivering = delivery.stop();
      await publishes.settled();
      await delivering;
      await position.commit();
      await wal.close();
    },
    compact: async () => {
      if (!isIdle()) return false;
      await position.commit();
      return wal.dropConsumed();
    },
    stats: () => ({
      published,
      processed: delivery.processed,
      pending: queues.queued + publishes.pending.reduce((n, envelopes) => n + envelopes.length, 0),
      redeliveries: delivery.redeliveries,
      fsyncs: wal.fsyncs,
      walSegments: wal.segmentCount,
      replayed: recovery.replay.length,
    }),
  };
};

/** Callers of `drain` waiting for the stream to be idle. */
class IdleWaiters {
  #waiters: (() => void)[] = [];

  wait(): Promise<void> {
    return new Promise<void>((resolve) => this.#waiters.push(resolve));
  }

  /** Wakes every waiter when `idle`. */
  check(idle: boolean): void {
    if (!idle || this.#waiters.length === 0) return;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }
}
