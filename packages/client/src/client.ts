import { type BackoffOptions, backoffDelay, isRetryable, retryAfterMs } from './backoff.ts';
import { AuditTrailError } from './errors.ts';
import { EventIds } from './event-id.ts';
import { EventQueue, IdMember, type QueuedEvent } from './queue.ts';
import { sampledIn } from './sampling.ts';
import type {
  DecisionEvent,
  GuardrailRequest,
  GuardrailResult,
  InferenceEvent,
  LogOptions,
  OutcomeEvent,
} from './types.ts';

/** How the client is set up; only `endpoint` and `apiKey` are required. */
export interface AuditTrailClientOptions {
  /** The API's base URL, e.g. `http://127.0.0.1:8787`. */
  readonly endpoint: string;
  /** An ingest key (sent as `Authorization: Bearer`). */
  readonly apiKey: string;
  /** Chain key for events that name none (`application_id`). */
  readonly application?: string;
  /** Events per request, at most 500 (the API's limit). @default 500 */
  readonly batchSize?: number;
  /** A partial batch is sent after this long. @default 500 */
  readonly flushIntervalMs?: number;
  /** Events held in memory (waiting and in flight); when full the oldest waiting one is
   * dropped and counted (`stats().dropped`). @default 10_000 */
  readonly maxBufferSize?: number;
  /** Request body bound (the API takes 10 MiB). @default 5 MiB */
  readonly maxBatchBytes?: number;
  /** Requests in flight at once. @default 4 */
  readonly concurrency?: number;
  /** Share of events sent, 0..1, decided by event id; `{force: true}` overrides. @default 1 */
  readonly sampleRate?: number;
  /** Backoff between retries of a batch (429, 5xx, network errors); retried until sent. */
  readonly retry?: BackoffOptions;
  /** One request's time limit. @default 10_000 */
  readonly requestTimeoutMs?: number;
  /** Told about every event that is not recorded; never throws at the app. */
  readonly onError?: (error: AuditTrailError) => void;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
}

/** What the client has done so far. */
export interface ClientStats {
  /** Waiting in the buffer. */
  readonly queued: number;
  /** Taken out in requests not yet answered. */
  readonly inFlight: number;
  /** Accepted by the API (202). */
  readonly sent: number;
  /** Dropped because the buffer was full (oldest first). */
  readonly dropped: number;
  /** Left out by sampling. */
  readonly sampledOut: number;
  /** Refused by the API as invalid, or not serialisable. */
  readonly rejected: number;
  /** Refused with a status not worth retrying (401, 403, 413 …), or unsent at close. */
  readonly failed: number;
  /** Requests sent again after a 429, a 5xx or a network error. */
  readonly retries: number;
}

const MAX_BATCH = 500;

/**
 * Logs AI events to the audit trail without making the app wait: `logEvent`,
 * `logDecision` and `logOutcome` give the event an id, buffer it and return at once; a
 * background sender serialises each batch, sends it to `POST /v1/events:batch`, retries
 * with backoff, and reports problems to `onError`. The client keeps the object until its
 * batch is sent: do not change an event after logging it. Call `close()` before the
 * process ends.
 */
export class AuditTrailClient {
  readonly #endpoint: string;
  readonly #auth: string;
  readonly #application: string | undefined;
  readonly #batchSize: number;
  readonly #maxBatchBytes: number;
  readonly #concurrency: number;
  readonly #sampleRate: number;
  readonly #retry: BackoffOptions;
  readonly #timeoutMs: number;
  readonly #onError: ((error: AuditTrailError) => void) | undefined;
  readonly #fetch: typeof fetch;
  readonly #queue: EventQueue;
  readonly #ids = new EventIds();
  readonly #timer: NodeJS.Timeout;
  #inFlight = 0;
  #scheduled = false;
  #resumeAt = 0;
  #resumeTimer: NodeJS.Timeout | undefined;
  #closed = false;
  /** Aborts requests still running when close() gives up. */
  readonly #abort = new AbortController();
  #idleWaiters: (() => void)[] = [];
  #counts = { sent: 0, sampledOut: 0, rejected: 0, failed: 0, retries: 0 };

  constructor(options: AuditTrailClientOptions) {
    this.#endpoint = options.endpoint.replace(/\/+$/, '');
    this.#auth = `Bearer ${options.apiKey}`;
    this.#application = options.application;
    this.#batchSize = Math.max(1, Math.min(MAX_BATCH, options.batchSize ?? 500));
    this.#maxBatchBytes = options.maxBatchBytes ?? 5 * 1_048_576;
    this.#concurrency = Math.max(1, options.concurrency ?? 4);
    this.#sampleRate = options.sampleRate ?? 1;
    this.#retry = options.retry ?? {};
    this.#timeoutMs = options.requestTimeoutMs ?? 10_000;
    this.#onError = options.onError;
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#queue = new EventQueue(Math.max(1, options.maxBufferSize ?? 10_000));
    // Unref'd: logging alone never keeps the process alive (close() does, while it runs).
    this.#timer = setInterval(() => this.#pump(true), options.flushIntervalMs ?? 500);
    this.#timer.unref();
  }

  /** Logs an inference (or any event shape the API takes); answers its `event_id`. */
  logEvent(event: InferenceEvent, options?: LogOptions): string {
    const given = event.event_id;
    if (typeof given === 'string') {
      this.#enqueue(given, event, IdMember.None, given, options);
      return given;
    }
    const id = this.#ids.next();
    // The id is added when the batch is serialised: no copy of the app's object.
    this.#enqueue(id, event, IdMember.EventId, id, options);
    return id;
  }

  /** Logs a decision; answers its `decision_id` (generated when absent), which is also
   * its event id, for `logOutcome` later. */
  logDecision(decision: DecisionEvent, options?: LogOptions): string {
    const given = decision.decision_id;
    if (typeof given === 'string') {
      this.#enqueue(given, decision, IdMember.None, given, options);
      return given;
    }
    const id = this.#ids.next();
    this.#enqueue(id, decision, IdMember.DecisionId, id, options);
    return id;
  }

  /** Logs what happened after a decision; sampled with its decision's id, so it is kept
   * exactly when the decision was. Answers the outcome's own event id. */
  logOutcome(outcome: OutcomeEvent, options?: LogOptions): string {
    const id = typeof outcome.event_id === 'string' ? outcome.event_id : this.#ids.next();
    // Copied: the observation time is now, not when the batch is sent.
    const event = {
      ...outcome,
      event_id: id,
      observed_at: outcome.observed_at ?? new Date().toISOString(),
    };
    this.#enqueue(id, event, IdMember.None, outcome.decision_id, options);
    return id;
  }

  /**
   * Asks the guardrail, awaited (the app needs the answer). Retries 429/5xx three times;
   * rejects with an `AuditTrailError` (code `guardrail`) when no answer comes.
   */
  async evaluate(request: GuardrailRequest): Promise<GuardrailResult> {
    const body = JSON.stringify(
      this.#application === undefined || request.application !== undefined
        ? request
        : { ...request, application: this.#application },
    );
    for (let attempt = 0; ; attempt++) {
      let status: number | undefined;
      let wait: number | undefined;
      try {
        const res = await this.#post('/v1/guardrails/evaluate', body);
        if (res.ok) return (await res.json()) as GuardrailResult;
        status = res.status;
        const answer = await res.text();
        if (!isRetryable(status) || attempt >= 2) {
          throw new AuditTrailError('guardrail', `guardrail answered ${status}`, status, answer);
        }
        wait = retryAfterMs(res.headers.get('retry-after'));
      } catch (error) {
        if (error instanceof AuditTrailError) throw error;
        if (attempt >= 2) {
          throw new AuditTrailError('guardrail', `guardrail unreachable: ${String(error)}`);
        }
      }
      await sleep(Math.max(wait ?? 0, backoffDelay(attempt, this.#retry)), true);
    }
  }

  /** Sends everything buffered now; resolves when the buffer is empty and nothing is in
   * flight, or after `timeoutMs`. Never rejects. */
  flush(timeoutMs = Number.POSITIVE_INFINITY): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    // While someone waits, a ref'd timer keeps the process alive for the sender.
    const keepAlive = setInterval(() => this.#pump(true), 50);
    return new Promise<void>((resolve) => {
      const done = () => {
        clearInterval(keepAlive);
        clearTimeout(deadline);
        resolve();
      };
      const deadline = Number.isFinite(timeoutMs) ? setTimeout(done, timeoutMs) : undefined;
      this.#idleWaiters.push(done);
      this.#pump(true);
    });
  }

  /** Flushes (for at most `timeoutMs`), then stops; events still buffered are reported as
   * `unsent` and counted as failed. Further log calls are ignored. Never rejects. */
  async close(timeoutMs = 10_000): Promise<void> {
    if (this.#closed) return;
    await this.flush(timeoutMs);
    this.#closed = true;
    clearInterval(this.#timer);
    clearTimeout(this.#resumeTimer);
    this.#abort.abort();
    const unsent = this.#queue.length + this.#inFlight;
    if (unsent > 0) {
      this.#counts.failed += unsent;
      this.#report(new AuditTrailError('unsent', `${unsent} events were not sent before close`));
    }
  }

  stats(): ClientStats {
    return {
      ...this.#counts,
      queued: this.#queue.length,
      inFlight: this.#inFlight,
      dropped: this.#queue.dropped,
    };
  }

  /** Buffers an event: the sampling check first, then one slot in the ring; nothing is
   * serialised or allocated here (see #serialise). */
  #enqueue(
    id: string,
    event: object,
    idMember: IdMember,
    sampleKey: string,
    options: LogOptions | undefined,
  ): void {
    if (this.#closed) return;
    if (
      this.#sampleRate < 1 &&
      options?.force !== true &&
      !sampledIn(sampleKey, this.#sampleRate)
    ) {
      this.#counts.sampledOut++;
      return;
    }
    const dropped = this.#queue.push(id, event, idMember, this.#inFlight);
    // An error (and its stack) is built only for an app that listens: a full buffer drops
    // on every call, which must stay as cheap as any other.
    if (dropped !== undefined && this.#onError !== undefined) {
      this.#report(new AuditTrailError('dropped', `buffer full: dropped event ${dropped}`));
    }
    if (this.#queue.length >= this.#batchSize) this.#schedule();
  }

  /** An event as the API takes it: the app's object with the generated id and the default
   * application put in front, so the object is never copied. Counts and reports (and
   * answers undefined for) what is not a JSON object. */
  readonly #serialise = (id: string, event: object, idMember: IdMember): string | undefined => {
    try {
      let json = JSON.stringify(event);
      if (typeof json !== 'string' || !json.startsWith('{')) {
        throw new TypeError('an event must be a JSON object');
      }
      const members: string[] = [];
      if (idMember !== IdMember.None) {
        members.push(`"${idMember === IdMember.EventId ? 'event_id' : 'decision_id'}":"${id}"`);
      }
      if (this.#application !== undefined && !hasChainKey(event)) {
        members.push(`"application_id":${JSON.stringify(this.#application)}`);
      }
      if (members.length > 0) {
        json = `{${members.join(',')}${json.length > 2 ? ',' : ''}${json.slice(1)}`;
      }
      return json;
    } catch (error) {
      this.#counts.rejected++;
      this.#report(new AuditTrailError('serialise', `event ${id} is not JSON: ${String(error)}`));
      return undefined;
    }
  };

  /** Starts sending on the next turn of the event loop, never inside a log call. */
  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#pump(false);
    });
  }

  /** Starts requests while there is room: full batches, or any batch when `partial`. */
  #pump(partial: boolean): void {
    const now = Date.now();
    if (now < this.#resumeAt) {
      this.#resumeTimer ??= setTimeout(() => {
        this.#resumeTimer = undefined;
        this.#pump(true);
      }, this.#resumeAt - now);
      if (this.#idleWaiters.length === 0) this.#resumeTimer.unref();
      return;
    }
    while (
      this.#inFlight < this.#concurrency &&
      this.#queue.length > 0 &&
      (partial || this.#queue.length >= this.#batchSize)
    ) {
      const batch = this.#queue.take(this.#batchSize, this.#maxBatchBytes, this.#serialise);
      if (batch.length === 0) continue; // none of it was JSON (reported)
      this.#inFlight += batch.length;
      this.#send(batch).then(
        () => this.#settled(batch.length),
        (error: unknown) => {
          // #send handles its failures; this only guards against a bug becoming unhandled.
          this.#report(new AuditTrailError('send_failed', String(error)));
          this.#settled(batch.length);
        },
      );
    }
    this.#checkIdle();
  }

  #settled(count: number): void {
    this.#inFlight -= count;
    this.#pump(this.#idleWaiters.length > 0);
  }

  /** Sends one batch until the API answers something other than 429/5xx. */
  async #send(batch: readonly QueuedEvent[]): Promise<void> {
    const body = `{"events":[${batch.map((e) => e.json).join(',')}]}`;
    for (let attempt = 0; ; attempt++) {
      let wait: number | undefined;
      try {
        const res = await this.#post('/v1/events:batch', body);
        if (res.status === 202 || res.status === 400) {
          this.#accepted(batch, res.status, await res.json().catch(() => undefined));
          return;
        }
        const text = await res.text().catch(() => '');
        // Closed: close() has counted and reported what was still unsent.
        if (this.#closed) return;
        if (!isRetryable(res.status)) {
          this.#counts.failed += batch.length;
          this.#report(
            new AuditTrailError('send_failed', `batch answered ${res.status}`, res.status, text),
          );
          return;
        }
        wait = retryAfterMs(res.headers.get('retry-after'));
      } catch {
        // Network error or timeout: the server may be down; the batch is kept and retried.
        if (this.#closed) return;
      }
      this.#counts.retries++;
      const delay = Math.min(
        this.#retry.maxMs ?? 30_000,
        Math.max(wait ?? 0, backoffDelay(attempt, this.#retry)),
      );
      // Other senders wait too: no new batch starts before the server is expected back.
      this.#resumeAt = Math.max(this.#resumeAt, Date.now() + delay);
      await sleep(delay, this.#idleWaiters.length > 0);
      if (this.#closed) return;
    }
  }

  /** Counts a 202 (per-item results) or a 400 (no item valid). */
  #accepted(batch: readonly QueuedEvent[], status: number, answer: unknown): void {
    const results = (answer as { results?: { status?: string; problems?: unknown }[] })?.results;
    if (status === 400 || !Array.isArray(results)) {
      const refused = status === 400 ? batch.length : 0;
      this.#counts.rejected += refused;
      this.#counts.sent += batch.length - refused;
      if (refused > 0) {
        this.#report(new AuditTrailError('rejected', 'batch refused', status, answer));
      }
      return;
    }
    for (const [index, result] of results.entries()) {
      if (result.status === 'invalid') {
        this.#counts.rejected++;
        const id = batch[index]?.id ?? `#${index}`;
        this.#report(
          new AuditTrailError('rejected', `event ${id} refused`, status, result.problems),
        );
      } else this.#counts.sent++;
    }
  }

  #post(path: string, body: string): Promise<Response> {
    return this.#fetch(`${this.#endpoint}${path}`, {
      method: 'POST',
      headers: { authorization: this.#auth, 'content-type': 'application/json' },
      body,
      signal: AbortSignal.any([AbortSignal.timeout(this.#timeoutMs), this.#abort.signal]),
    });
  }

  #isIdle(): boolean {
    return this.#queue.length === 0 && this.#inFlight === 0;
  }

  #checkIdle(): void {
    if (!this.#isIdle() || this.#idleWaiters.length === 0) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  #report(error: AuditTrailError): void {
    try {
      this.#onError?.(error);
    } catch {
      // The app's handler threw: nothing may reach the app from the background.
    }
  }
}

const CHAIN_FIELDS = ['application_id', 'application', 'application_name', 'system'] as const;

const hasChainKey = (event: object): boolean => CHAIN_FIELDS.some((f) => Object.hasOwn(event, f));

const sleep = (ms: number, keepAlive: boolean): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    if (!keepAlive) timer.unref();
  });
