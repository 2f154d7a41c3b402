/**
 * Group commit, written once for every local writer that makes data durable (the ledger's
 * records and bodies, its meta file, the stream's WAL): what is queued while a write runs
 * goes out together in the next one, so one fsync serves many callers.
 *
 * Failure policy (fail-stop, the same for every writer): when a write fails, what reached
 * the disk is unknown, so that group, everything queued behind it and every later `push`
 * are rejected with the writer's error; the writer must be reopened, which re-reads the
 * files and cuts a torn tail. A writer never carries on after a failed write.
 */
export interface GroupCommitOptions<T> {
  /** Writes (and syncs) one group, in push order. Its resolution means the group is
   * durable; the queue then resolves every push of the group. */
  readonly write: (group: readonly T[]) => Promise<void>;
  /** The error every push is rejected with once a write failed (wraps the cause). */
  readonly failure: (cause: unknown) => Error;
  /** Called after each failed write, with the error pushes are rejected with. */
  readonly onFailure?: (error: Error) => void;
  /** Called whenever the queue has drained (nothing queued, no write running). */
  readonly onIdle?: () => void;
}

interface Waiting<T> {
  readonly item: T;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

export class GroupCommit<T> {
  readonly #options: GroupCommitOptions<T>;
  #queue: Waiting<T>[] = [];
  #running: Promise<void> | undefined;
  #failed: Error | undefined;
  #writes = 0;

  constructor(options: GroupCommitOptions<T>) {
    this.#options = options;
  }

  /** Queues `item`; resolves once the group holding it is written, rejects if that write
   * (or an earlier one) failed. */
  push(item: T): Promise<void> {
    if (this.#failed !== undefined) return Promise.reject(this.#failed);
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      this.#kick();
    });
  }

  /** The error of the failed write, once one failed. */
  get failed(): Error | undefined {
    return this.#failed;
  }

  /** Items queued behind the running write. */
  get pending(): readonly T[] {
    return this.#queue.map((w) => w.item);
  }

  /** Nothing queued and no write running. */
  get idle(): boolean {
    return this.#running === undefined && this.#queue.length === 0;
  }

  /** Groups written so far. */
  get writes(): number {
    return this.#writes;
  }

  /** Waits for the running write and everything queued behind it. */
  async settled(): Promise<void> {
    while (this.#running !== undefined) await this.#running;
  }

  #kick(): void {
    if (this.#running !== undefined) return;
    this.#running = this.#loop().finally(() => {
      this.#running = undefined;
      if (this.#queue.length > 0 && this.#failed === undefined) this.#kick();
      else this.#options.onIdle?.();
    });
  }

  async #loop(): Promise<void> {
    while (this.#queue.length > 0 && this.#failed === undefined) {
      const group = this.#queue;
      this.#queue = [];
      try {
        await this.#options.write(group.map((w) => w.item));
      } catch (cause) {
        const failed = this.#options.failure(cause);
        this.#failed = failed;
        const rejected = [...group, ...this.#queue];
        this.#queue = [];
        for (const w of rejected) w.reject(failed);
        this.#options.onFailure?.(failed);
        return;
      }
      this.#writes++;
      for (const w of group) w.resolve();
    }
  }
}
