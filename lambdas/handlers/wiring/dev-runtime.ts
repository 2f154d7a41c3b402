import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createConsoleLog } from '#adapters/local/console-log.ts';
import { lockDataDir } from '#adapters/local/data-dir-lock.ts';
import {
  type DurableStreamOptions,
  type DurableStreamStats,
  openDurableStream,
} from '#adapters/local/durable-stream.ts';
import { loadOrCreateEd25519Signer } from '#adapters/local/ed25519-signer.ts';
import { openFileArchive } from '#adapters/local/file-archive.ts';
import { openFileLedger } from '#adapters/local/file-ledger.ts';
import { type ResolvedApiKey, resolveApiKey } from '#adapters/local/http/api-key.ts';
import { startLocalApi } from '#adapters/local/http/server.ts';
import { createJsonlAlerts } from '#adapters/local/jsonl-alerts.ts';
import type { IntakeEnvelope } from '#core/events/envelope.ts';
import {
  DEFAULT_POSITIVE_DECISIONS,
  DEFAULT_POSITIVE_OUTCOMES,
  DEFAULT_PROTECTED_ATTRIBUTES,
  type FairnessOptions,
} from '#core/fairness/options.ts';
import { previousWeek, type ReviewDeps, runFairnessReview } from '#core/fairness/run-review.ts';
import { chainOf } from '#core/pipeline/chain-of.ts';
import { checkpointChains } from '#core/pipeline/checkpoint.ts';
import { processBatch } from '#core/pipeline/process-batch.ts';
import { passThroughPolicy } from '#core/policy/engine.ts';
import type { AlertsPort } from '#ports/alerts.ts';
import { systemClock } from '#ports/clock.ts';
import type { GuardrailEvaluator } from '#ports/guardrail.ts';
import type { LedgerPort } from '#ports/ledger.ts';
import type { LogPort } from '#ports/log.ts';
import type { CheckpointDeps, ProcessorDeps } from '#ports/pipeline-deps.ts';
import type { PolicyEngine } from '#ports/policy-engine.ts';

/** Where a dev runtime keeps its state, under one data directory. */
export interface DevPaths {
  readonly data: string;
  readonly ledger: string;
  readonly stream: string;
  readonly archive: string;
  readonly keys: string;
  readonly apiKey: string;
  readonly alerts: string;
  /** Holds the pid of the process running on the data dir. */
  readonly lock: string;
}

/** The data directory's layout. */
export const devPaths = (dataDir: string): DevPaths => {
  const data = resolve(dataDir);
  return {
    data,
    ledger: join(data, 'ledger'),
    stream: join(data, 'stream'),
    archive: join(data, 'archive'),
    keys: join(data, 'keys'),
    apiKey: join(data, 'api-key'),
    alerts: join(data, 'alerts.jsonl'),
    lock: join(data, 'lock'),
  };
};

export interface DevRuntimeOptions {
  readonly dataDir: string;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** 0 picks a free port. @default 8787 */
  readonly port?: number;
  /** Overrides the key file (AUDIT_TRAIL_API_KEY); not written anywhere. */
  readonly apiKey?: string;
  /** @default 10_000 */
  readonly checkpointIntervalMs?: number;
  /** @default a JSON-lines console log on stderr */
  readonly log?: LogPort;
  /** @default passThroughPolicy */
  readonly policy?: PolicyEngine;
  /** @default JSON lines in `<data>/alerts.jsonl`, also POSTed to `alertWebhook` if given */
  readonly alerts?: AlertsPort;
  /** URL that receives each batch of PolicyViolation alerts as a JSON POST. */
  readonly alertWebhook?: string;
  /** Adds `POST /v1/guardrails/evaluate`. */
  readonly guardrail?: GuardrailEvaluator;
  /** Stream tuning (batching, retry backoff). */
  readonly stream?: Pick<DurableStreamOptions, 'batchSize' | 'batchWindowMs' | 'retry'>;
  /** Wraps the ledger the processor writes to (tests use it to inject failures). */
  readonly wrapLedger?: (ledger: LedgerPort) => LedgerPort;
  /** The weekly fairness review (Mondays 06:00 UTC, over the last full week), or false for
   * none. @default every use case, the default protected attributes and decision values */
  readonly fairnessReview?: WeeklyReviewSettings | false;
}

/** What the weekly review in `dev` reviews; the window is filled in each week. */
export type WeeklyReviewSettings = Omit<FairnessOptions, 'from' | 'to'>;

/** The dev runtime's weekly review when none is configured. */
export const DEFAULT_WEEKLY_REVIEW: WeeklyReviewSettings = {
  attributes: DEFAULT_PROTECTED_ATTRIBUTES.map((path) => ({ path })),
  positiveDecisions: DEFAULT_POSITIVE_DECISIONS,
  positiveOutcomes: DEFAULT_POSITIVE_OUTCOMES,
};

export interface DevRuntime {
  readonly url: string;
  readonly apiKey: ResolvedApiKey;
  readonly paths: DevPaths;
  stats(): DurableStreamStats;
  /** Signs checkpoints for every chain that grew (the timer does this every interval);
   * failures are logged, not thrown. */
  checkpoint(): Promise<void>;
  /** Runs a fairness review now over the running ledger (the weekly timer calls it with
   * the last full week). */
  fairnessReview(options: FairnessOptions): ReturnType<typeof runFairnessReview>;
  /** Stops accepting, drains the stream, signs a final checkpoint, releases the files. */
  stop(): Promise<void>;
}

/**
 * The embedded default on one machine: local API → durable stream → the processor
 * (`processBatch`, the very function the Lambda wraps) → file ledger + write-once archive,
 * with signed checkpoints at an interval. A restart on the same data dir resumes the
 * chains and replays whatever was acknowledged but not yet processed.
 */
export const startDevRuntime = async (options: DevRuntimeOptions): Promise<DevRuntime> => {
  const paths = devPaths(options.dataDir);
  const log = options.log ?? createConsoleLog();
  await mkdir(paths.data, { recursive: true });
  const unlock = await lockDataDir(paths.lock);
  // Undone in reverse order if start fails half-way, and by stop().
  const cleanups: (() => Promise<void>)[] = [unlock];
  const cleanUp = async (): Promise<void> => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
  try {
    const apiKey = await resolveApiKey(paths.apiKey, options.apiKey);
    const fileLedger = await openFileLedger(paths.ledger);
    cleanups.push(() => fileLedger.close());
    const ledger = options.wrapLedger?.(fileLedger) ?? fileLedger;
    const archive = openFileArchive(paths.archive);
    const signer = await loadOrCreateEd25519Signer(paths.keys);

    const processor: ProcessorDeps = {
      ledger,
      archive,
      policy: options.policy ?? passThroughPolicy,
      alerts:
        options.alerts ??
        createJsonlAlerts({
          file: paths.alerts,
          log,
          ...(options.alertWebhook === undefined ? {} : { webhookUrl: options.alertWebhook }),
        }),
      clock: systemClock,
      log,
    };
    const stream = await openDurableStream(paths.stream, {
      consumer: (envelopes: readonly IntakeEnvelope[]) => processBatch(envelopes, processor),
      partitionKeyOf: chainOf,
      log,
      ...options.stream,
    });
    cleanups.push(() => stream.close());

    const checkpoint = serialCheckpoints({
      ledger: fileLedger,
      archive,
      signer,
      clock: systemClock,
      log,
      logName: signer.keyName,
    });
    const timer = setInterval(() => void checkpoint(), options.checkpointIntervalMs ?? 10_000);
    timer.unref();
    cleanups.push(async () => clearInterval(timer));

    const reviewDeps: ReviewDeps = {
      ledger: fileLedger,
      archive,
      alerts: processor.alerts,
      clock: systemClock,
    };
    const fairnessReview = (review: FairnessOptions) => runFairnessReview(review, reviewDeps);
    if (options.fairnessReview !== false) {
      const settings = options.fairnessReview ?? DEFAULT_WEEKLY_REVIEW;
      const stopWeekly = scheduleWeekly(async () => {
        try {
          const window = previousWeek(systemClock.now());
          const { recorded } = await fairnessReview({ ...settings, ...window });
          log.info('weekly fairness review recorded', { ...recorded });
        } catch (error) {
          log.error('weekly fairness review failed', { error: (error as Error).message });
        }
      });
      cleanups.push(async () => stopWeekly());
    }

    const api = await startLocalApi({
      host: options.host ?? '127.0.0.1',
      port: options.port ?? 8787,
      apiKey: apiKey.key,
      stream,
      ledger,
      log,
      health: () => ({ ...stream.stats() }),
      ...(options.guardrail === undefined ? {} : { guardrail: options.guardrail }),
    });

    let stopping: Promise<void> | undefined;
    const stop = (): Promise<void> => {
      stopping ??= (async () => {
        clearInterval(timer);
        await api.close();
        await stream.drain();
        await checkpoint();
        await cleanUp();
      })();
      return stopping;
    };
    log.info('dev runtime started', { url: api.url, data: paths.data });
    return {
      url: api.url,
      apiKey,
      paths,
      stats: () => stream.stats(),
      checkpoint,
      fairnessReview,
      stop,
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
};

const WEEK_MS = 7 * 24 * 3600 * 1000;

/** Calls `run` every Monday at 06:00 UTC (the stack's default `fairnessReviewSchedule`);
 * answers the function that stops it. */
const scheduleWeekly = (run: () => Promise<void>): (() => void) => {
  const now = Date.now();
  const { to } = previousWeek(new Date(now));
  let next = to.getTime() + 6 * 3600 * 1000;
  while (next <= now) next += WEEK_MS;
  let interval: NodeJS.Timeout | undefined;
  const first = setTimeout(() => {
    void run();
    interval = setInterval(() => void run(), WEEK_MS);
    interval.unref();
  }, next - now);
  first.unref();
  return () => {
    clearTimeout(first);
    clearInterval(interval);
  };
};

/** Checkpoint runs one at a time: a call while one runs waits for that one, then runs
 * again, so a final checkpoint covers everything recorded before it was asked for.
 * Failures are logged and retried at the next call. */
const serialCheckpoints = (deps: CheckpointDeps): (() => Promise<void>) => {
  let last: Promise<void> = Promise.resolve();
  return () => {
    last = last.then(() =>
      checkpointChains(deps).then(
        () => undefined,
        (error: unknown) => deps.log.error('checkpoint failed; retried next time', { error }),
      ),
    );
    return last;
  };
};

/** What an offline command gets of a data directory it holds. */
export interface OpenDataDir {
  readonly paths: DevPaths;
  readonly review: ReviewDeps;
  /** Signs checkpoints of the chains that grew (so what the command appended is signed). */
  checkpoint(): Promise<void>;
}

/**
 * Opens a data directory without a server, for an offline command (`review fairness`):
 * takes the same lock as `dev` (so it refuses while `dev` runs: two writers would corrupt
 * the ledger), runs `use`, signs a checkpoint, and releases everything.
 */
export const withDataDir = async <T>(
  dataDir: string,
  log: LogPort,
  use: (dir: OpenDataDir) => Promise<T>,
): Promise<T> => {
  const paths = devPaths(dataDir);
  await mkdir(paths.data, { recursive: true });
  const unlock = await lockDataDir(paths.lock);
  try {
    const ledger = await openFileLedger(paths.ledger);
    try {
      const archive = openFileArchive(paths.archive);
      const signer = await loadOrCreateEd25519Signer(paths.keys);
      const alerts = createJsonlAlerts({ file: paths.alerts, log });
      const checkpoint = () =>
        checkpointChains({
          ledger,
          archive,
          signer,
          clock: systemClock,
          log,
          logName: signer.keyName,
        }).then(() => undefined);
      const result = await use({
        paths,
        review: { ledger, archive, alerts, clock: systemClock },
        checkpoint,
      });
      await checkpoint();
      return result;
    } finally {
      await ledger.close();
    }
  } finally {
    await unlock();
  }
};
