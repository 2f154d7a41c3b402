/** Per-thread time accounting for a parallel verify's figures (`ParallelOptions.onThreads`). */
import { readFileSync } from 'node:fs';

/** This thread's CPU time so far in µs (user + system). */
export const threadCpu = (): number => {
  const { user, system } = process.threadCpuUsage();
  return user + system;
};

/** A clock shared by all threads of the process, in µs. */
export const clockMicros = (): number => (performance.timeOrigin + performance.now()) * 1000;

/** This thread's time on a core and runnable but waiting for one (preempted: other processes,
 * V8's and libuv's helper threads), in µs so far, and how often it blocked, from Linux's
 * `/proc/thread-self/schedstat` and `status`; undefined where there are none. */
export const threadSched = ():
  | { runMicros: number; queueMicros: number; blocks: number }
  | undefined => {
  try {
    const [run, queue] = readFileSync('/proc/thread-self/schedstat', 'latin1').split(' ');
    const status = readFileSync('/proc/thread-self/status', 'latin1');
    const blocks = /^voluntary_ctxt_switches:\s*(\d+)/m.exec(status)?.[1];
    return {
      runMicros: Number(run) / 1000,
      queueMicros: Number(queue) / 1000,
      blocks: Number(blocks ?? 0),
    };
  } catch {
    return undefined;
  }
};

/** Where one thread's wall time went while it verified: on a core, waiting for one, awaiting
 * segment reads, waiting for a chain to verify. */
export class ThreadClock {
  readonly startedAt: number;
  readonly #sched: ReturnType<typeof threadSched>;
  readWaitMicros = 0;
  workWaitMicros = 0;

  /** `startedAt`: when the thread was asked to start; a worker (`ownThread`) counts its
   * time on and waiting for a core from its very start (before it could read this clock). */
  constructor(startedAt = clockMicros(), ownThread = false) {
    this.startedAt = startedAt;
    this.#sched = ownThread ? { runMicros: 0, queueMicros: 0, blocks: 0 } : threadSched();
  }

  /** The chunks of `chunks`, the wall time spent awaiting each added to readWaitMicros. */
  async *timed<T>(chunks: AsyncIterable<T>): AsyncGenerator<T> {
    const it = chunks[Symbol.asyncIterator]();
    try {
      for (;;) {
        const before = clockMicros();
        const next = await it.next();
        this.readWaitMicros += clockMicros() - before;
        if (next.done) return;
        yield next.value;
      }
    } finally {
      await it.return?.();
    }
  }

  /** The figures so far (see ThreadTimes). */
  times(): ThreadTimes {
    const sched = threadSched();
    return {
      startedAt: this.startedAt,
      finishedAt: clockMicros(),
      readWaitMicros: this.readWaitMicros,
      workWaitMicros: this.workWaitMicros,
      ...(sched === undefined || this.#sched === undefined
        ? {}
        : {
            runMicros: sched.runMicros - this.#sched.runMicros,
            queueMicros: sched.queueMicros - this.#sched.queueMicros,
            blocks: sched.blocks - this.#sched.blocks,
          }),
    };
  }
}

/** A thread's wall time in a parallel verify, in µs on `clockMicros`. */
export interface ThreadTimes {
  readonly startedAt: number;
  /** When its last chain was done. */
  readonly finishedAt: number;
  /** Awaiting segment reads. */
  readonly readWaitMicros: number;
  /** Waiting for the setup or a chain to verify. */
  readonly workWaitMicros: number;
  /** On a core, and runnable but waiting for one (Linux only), since the thread's clock
   * started (a worker: once it ran). */
  readonly runMicros?: number;
  readonly queueMicros?: number;
  /** Times it blocked (voluntary context switches: reads, messages, GC helpers, locks). */
  readonly blocks?: number;
}
