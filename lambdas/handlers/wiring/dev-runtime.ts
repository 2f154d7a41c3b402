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
import { mkdirSynced } from '#adapters/local/file-io.ts';
import { openFileLedger } from '#adapters/local/file-ledger.ts';
import { type ResolvedApiKey, resolveApiKey } from '#adapters/local/http/api-key.ts';
import { startLocalApi } from '#adapters/local/http/server.ts';
import { createJsonlAlerts } from '#adapters/local/jsonl-alerts.ts';
import type { IntakeEnvelope } from '#core/events/envelope.ts';
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
  /** Names the process running on the data dir (see lockDataDir). */
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
}

export interface DevRuntime {
  readonly url: string;
  readonly apiKey: ResolvedApiKey;
  readonly paths: DevPaths;
  stats(): DurableStreamStats;
  /** Signs checkpoints for every chain that grew (the timer does this every interval);
   * failures are logged, not thrown. */
  checkpoint(): Promise<void>;
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
  await mkdirSynced(paths.data);
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
    return { url: api.url, apiKey, paths, stats: () => stream.stats(), checkpoint, stop };
  } catch (error) {
    await cleanUp();
    throw error;
  }
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
