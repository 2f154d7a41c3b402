import { mkdir } from 'node:fs/promises';
import { AuditTrailError } from '#core/errors.ts';
import type { IntakeEnvelope } from '#core/events/envelope.ts';
import type { EnvelopeOutcome } from '#core/pipeline/outcome.ts';
import type { LogPort } from '#ports/log.ts';
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
  stats(): DurableStreamStats;
}

interface Item {
  readonly entry: WalEntry;
  deliveries: number;
}

interface Partition {
  /** Undone items in order; `head` skips the done ones without shifting. */
  items: Item[];
  head: number;
  busy: boolean;
  failures: number;
  retryAt: number;
}

interface PendingPublish {
  readonly envelopes: readonly IntakeEnvelope[];
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

const size = (p: Partition): number => p.items.length - p.head;

const errorText = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

/**
 * Opens the stream over `dir`, replaying what was published but not committed (also after
 * kill -9), and starts delivering to the consumer.
 */
export const openDurableStream = async (
  dir: string,
  options: DurableStreamOptions,
): Promise<DurableStream> => {
  const batchSize = options.batchSize ?? 500;
  const windowMs = options.batchWindowMs ?? 5;
  const retry = options.retry ?? { baseMs: 100, maxMs: 5000 };
  const concurrency = options.concurrency ?? 1;
  const { log, consumer } = options;

  await mkdir(dir, { recursive: true });
  const { wal, recovery } = await Wal.open(dir, options.segmentBytes ?? 16 * 1024 * 1024);
  if (recovery.cutBytes > 0) log.warn('stream: cut a torn WAL tail', { bytes: recovery.cutBytes });

  /** Map order is delivery priority: a served partition moves to the back. */
  const partitions = new Map<string, Partition>();
  let nextOrdinal = recovery.next;
  /** Every ordinal below this is in the WAL and in a partition queue (or done). */
  let durableNext = recovery.next;
  let queued = 0;
  let published = 0;
  let processed = 0;
  let redeliveries = 0;
  let inFlight = 0;
  let accepting = true;
  let stopped = false;
  let failed: StreamFailedError | undefined;
  let pendingPublishes: PendingPublish[] = [];
  let flushing: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  /** When `timer` fires (epoch ms). */
  let timerAt = 0;
  let committing: Promise<void> | undefined;
  let commitAgain = false;
  const batches = new Set<Promise<void>>();
  let idleWaiters: (() => void)[] = [];

  const enqueue = (entry: WalEntry): void => {
    let partition = partitions.get(entry.k);
    if (partition === undefined) {
      partition = { items: [], head: 0, busy: false, failures: 0, retryAt: 0 };
      partitions.set(entry.k, partition);
    }
    partition.items.push({ entry, deliveries: 0 });
    queued++;
  };
  for (const entry of recovery.replay) enqueue(entry);

  const committedPosition = (): number => {
    let position = durableNext;
    for (const p of partitions.values()) {
      const first = p.items[p.head];
      if (first !== undefined && first.entry.n < position) position = first.entry.n;
    }
    return position;
  };

  const commit = (): Promise<void> => {
    if (committing !== undefined) {
      commitAgain = true;
      return committing;
    }
    committing = (async () => {
      do {
        commitAgain = false;
        try {
          await wal.commit(committedPosition());
        } catch (error) {
          log.error('stream: could not persist the committed position', {
            error: errorText(error),
          });
        }
      } while (commitAgain);
    })().finally(() => {
      committing = undefined;
    });
    return committing;
  };

  const isIdle = (): boolean =>
    queued === 0 && inFlight === 0 && pendingPublishes.length === 0 && flushing === undefined;

  const checkIdle = (): void => {
    if (!isIdle() || idleWaiters.length === 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const wake of waiters) wake();
  };

  // Publishing: every publish waiting while a write+fsync runs goes out with the next one.
  const flushLoop = async (): Promise<void> => {
    while (pendingPublishes.length > 0 && failed === undefined) {
      const group = pendingPublishes;
      pendingPublishes = [];
      const entries: WalEntry[] = [];
      for (const p of group) {
        for (const e of p.envelopes) {
          entries.push({ n: nextOrdinal++, k: options.partitionKeyOf(e), e });
        }
      }
      try {
        await wal.append(entries);
      } catch (error) {
        failed = new StreamFailedError('stream: WAL write failed', { cause: error });
        log.error('stream: WAL write failed; refusing further events', { error: errorText(error) });
        for (const p of [...group, ...pendingPublishes]) p.reject(failed);
        pendingPublishes = [];
        return;
      }
      for (const entry of entries) enqueue(entry);
      durableNext = nextOrdinal;
      published += entries.length;
      for (const p of group) p.resolve();
      schedule();
    }
  };

  const kickFlush = (): void => {
    if (flushing !== undefined) return;
    flushing = flushLoop().finally(() => {
      flushing = undefined;
      if (pendingPublishes.length > 0) kickFlush();
      checkIdle();
    });
  };

  const publish = (envelopes: readonly IntakeEnvelope[]): Promise<void> => {
    if (!accepting) return Promise.reject(new StreamClosedError());
    if (failed !== undefined) return Promise.reject(failed);
    if (envelopes.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      pendingPublishes.push({ envelopes, resolve, reject });
      kickFlush();
    });
  };

  // Delivery.
  const readyPartitions = (now: number): [string, Partition][] =>
    [...partitions].filter(([, p]) => !p.busy && size(p) > 0 && p.retryAt <= now);

  /** Sets the delivery timer, unless one already fires at or before `at`: a partition
   * waiting out a retry backoff must not hold back the others. */
  const wakeAt = (at: number, now: number): void => {
    if (timer !== undefined) {
      if (timerAt <= at) return;
      clearTimeout(timer);
    }
    timerAt = at;
    timer = setTimeout(tick, Math.max(0, at - now));
  };

  const schedule = (): void => {
    if (stopped || inFlight >= concurrency) return;
    const now = Date.now();
    const ready = readyPartitions(now);
    if (ready.length === 0) {
      const waits = [...partitions.values()]
        .filter((p) => !p.busy && size(p) > 0)
        .map((p) => p.retryAt);
      if (waits.length > 0) wakeAt(Math.min(...waits), now);
      return;
    }
    const readyItems = ready.reduce((n, [, p]) => n + size(p), 0);
    wakeAt(now + (readyItems >= batchSize ? 0 : windowMs), now);
  };

  function tick(): void {
    timer = undefined;
    while (!stopped && inFlight < concurrency) {
      const batch = takeBatch();
      if (batch.length === 0) break;
      const running = deliver(batch);
      batches.add(running);
      void running.finally(() => batches.delete(running));
    }
    schedule();
  }

  const takeBatch = (): Item[] => {
    const batch: Item[] = [];
    for (const [key, p] of readyPartitions(Date.now())) {
      if (batch.length >= batchSize) break;
      const take = Math.min(size(p), batchSize - batch.length);
      batch.push(...p.items.slice(p.head, p.head + take));
      p.busy = true;
      partitions.delete(key);
      partitions.set(key, p);
    }
    return batch.sort((a, b) => a.entry.n - b.entry.n);
  };

  const deliver = async (batch: Item[]): Promise<void> => {
    inFlight++;
    for (const item of batch) {
      item.deliveries++;
      if (item.deliveries > 1) redeliveries++;
    }
    let outcomes: readonly EnvelopeOutcome[] | undefined;
    let failure: string | undefined;
    try {
      outcomes = await consumer(batch.map((i) => i.entry.e));
      if (outcomes.length !== batch.length) {
        failure = `consumer answered ${outcomes.length} outcomes for ${batch.length} envelopes`;
        outcomes = undefined;
      }
    } catch (error) {
      failure = errorText(error);
    }
    settle(batch, outcomes, failure);
    inFlight--;
    void commit();
    checkIdle();
    schedule();
  };

  /** Marks each partition's items done up to its first failure; the rest wait for a retry. */
  const settle = (
    batch: readonly Item[],
    outcomes: readonly EnvelopeOutcome[] | undefined,
    failure: string | undefined,
  ): void => {
    const byPartition = new Map<string, { done: number; error?: string }>();
    batch.forEach((item, i) => {
      const state = byPartition.get(item.entry.k) ?? { done: 0 };
      byPartition.set(item.entry.k, state);
      if (state.error !== undefined) return;
      const outcome = outcomes?.[i];
      if (outcome === undefined || outcome.status === 'failed') {
        state.error = outcome?.error ?? failure ?? 'failed';
      } else {
        state.done++;
      }
    });
    const now = Date.now();
    for (const [key, state] of byPartition) {
      const p = partitions.get(key);
      if (p === undefined) continue;
      p.busy = false;
      p.head += state.done;
      queued -= state.done;
      processed += state.done;
      if (state.error === undefined) {
        p.failures = 0;
      } else {
        p.failures++;
        const delay = Math.min(retry.maxMs, retry.baseMs * 2 ** (p.failures - 1));
        p.retryAt = now + delay;
        log.warn('stream: redelivering a partition after a failure', {
          partition: key,
          attempt: p.failures,
          delay_ms: delay,
          error: state.error,
        });
      }
      if (size(p) === 0) partitions.delete(key);
      else if (p.head > 1024 && p.head * 2 > p.items.length) {
        p.items = p.items.slice(p.head);
        p.head = 0;
      }
    }
  };

  const drain = async (): Promise<void> => {
    accepting = false;
    if (!isIdle()) await new Promise<void>((resolve) => idleWaiters.push(resolve));
    await commit();
  };

  const close = async (): Promise<void> => {
    accepting = false;
    stopped = true;
    clearTimeout(timer);
    timer = undefined;
    await flushing;
    await Promise.all(batches);
    await commit();
    await wal.close();
  };

  schedule();

  return {
    publish,
    drain,
    close,
    stats: () => ({
      published,
      processed,
      pending: queued + pendingPublishes.reduce((n, p) => n + p.envelopes.length, 0),
      redeliveries,
      fsyncs: wal.fsyncs,
      walSegments: wal.segmentCount,
      replayed: recovery.replay.length,
    }),
  };
};
