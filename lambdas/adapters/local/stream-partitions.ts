import type { EnvelopeOutcome } from '#core/pipeline/outcome.ts';
import type { WalEntry } from './wal.ts';

/** One envelope waiting in its partition, with how often it was delivered. */
export interface StreamItem {
  readonly entry: WalEntry;
  deliveries: number;
}

interface Partition {
  /** Undone items in order; `head` skips the done ones without shifting. */
  items: StreamItem[];
  head: number;
  busy: boolean;
  failures: number;
  retryAt: number;
}

/** A partition that failed and waits out a backoff before redelivery. */
export interface PartitionRetry {
  readonly partition: string;
  readonly attempt: number;
  readonly delayMs: number;
  readonly error: string;
}

const size = (p: Partition): number => p.items.length - p.head;

/**
 * The stream's undone envelopes, queued per partition key (ordering holds within one). Map
 * order is delivery priority: a served partition moves to the back. A partition is busy
 * while a batch of its items is out, and waits out a backoff after a failure.
 */
export class PartitionQueues {
  #partitions = new Map<string, Partition>();
  /** Items queued and not yet done. */
  #queued = 0;
  readonly #retry: { readonly baseMs: number; readonly maxMs: number };

  constructor(retry: { readonly baseMs: number; readonly maxMs: number }) {
    this.#retry = retry;
  }

  get queued(): number {
    return this.#queued;
  }

  enqueue(entry: WalEntry): void {
    let partition = this.#partitions.get(entry.k);
    if (partition === undefined) {
      partition = { items: [], head: 0, busy: false, failures: 0, retryAt: 0 };
      this.#partitions.set(entry.k, partition);
    }
    partition.items.push({ entry, deliveries: 0 });
    this.#queued++;
  }

  /** The lowest ordinal not yet done, given every ordinal below `durableNext` is queued
   * or done: the WAL's committed position. */
  lowestUndone(durableNext: number): number {
    let position = durableNext;
    for (const p of this.#partitions.values()) {
      const first = p.items[p.head];
      if (first !== undefined && first.entry.n < position) position = first.entry.n;
    }
    return position;
  }

  /** Items deliverable at `now` (partitions neither busy nor backing off). */
  readyCount(now: number): number {
    return this.#ready(now).reduce((n, [, p]) => n + size(p), 0);
  }

  /** When the earliest backing-off partition may be retried; undefined when none waits. */
  nextRetryAt(): number | undefined {
    let at: number | undefined;
    for (const p of this.#partitions.values()) {
      if (!p.busy && size(p) > 0 && (at === undefined || p.retryAt < at)) at = p.retryAt;
    }
    return at;
  }

  /** Up to `limit` ready items, whole partitions first, in ordinal order; their partitions
   * become busy and move to the back of the priority order. */
  take(limit: number, now: number): StreamItem[] {
    const batch: StreamItem[] = [];
    for (const [key, p] of this.#ready(now)) {
      if (batch.length >= limit) break;
      const take = Math.min(size(p), limit - batch.length);
      batch.push(...p.items.slice(p.head, p.head + take));
      p.busy = true;
      this.#partitions.delete(key);
      this.#partitions.set(key, p);
    }
    return batch.sort((a, b) => a.entry.n - b.entry.n);
  }

  /**
   * Marks each partition's items done up to its first failure; the rest wait for a retry
   * with exponential backoff. Answers how many items were done and which partitions retry.
   */
  settle(
    batch: readonly StreamItem[],
    outcomes: readonly EnvelopeOutcome[] | undefined,
    failure: string | undefined,
    now: number,
  ): { done: number; retries: PartitionRetry[] } {
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
    let done = 0;
    const retries: PartitionRetry[] = [];
    for (const [key, state] of byPartition) {
      const p = this.#partitions.get(key);
      if (p === undefined) continue;
      p.busy = false;
      p.head += state.done;
      this.#queued -= state.done;
      done += state.done;
      if (state.error === undefined) {
        p.failures = 0;
      } else {
        p.failures++;
        const delayMs = Math.min(this.#retry.maxMs, this.#retry.baseMs * 2 ** (p.failures - 1));
        p.retryAt = now + delayMs;
        retries.push({ partition: key, attempt: p.failures, delayMs, error: state.error });
      }
      if (size(p) === 0) this.#partitions.delete(key);
      else if (p.head > 1024 && p.head * 2 > p.items.length) {
        p.items = p.items.slice(p.head);
        p.head = 0;
      }
    }
    return { done, retries };
  }

  #ready(now: number): [string, Partition][] {
    return [...this.#partitions].filter(([, p]) => !p.busy && size(p) > 0 && p.retryAt <= now);
  }
}
