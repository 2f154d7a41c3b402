import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createConsoleLog } from '#adapters/local/console-log.ts';
import { lockDataDir } from '#adapters/local/data-dir-lock.ts';
import {
  type DurableStreamOptions,
  type DurableStreamStats,
  openDurableStream,
} from '#adapters/local/durable-stream.ts';
import { loadOrCreateEd25519Signer } from '#adapters/local/ed25519-signer.ts';
import { openFileArchive } from '#adapters/local/file-archive.ts';
import { openFileBodyKeys } from '#adapters/local/file-body-keys.ts';
import { mkdirSynced } from '#adapters/local/file-io.ts';
import { openFileKeyStore } from '#adapters/local/file-key-store.ts';
import { openFileLedger } from '#adapters/local/file-ledger.ts';
import { openFileObjectHolds } from '#adapters/local/file-object-holds.ts';
import { type ResolvedApiKey, resolveApiKey } from '#adapters/local/http/api-key.ts';
import { startLocalApi } from '#adapters/local/http/server.ts';
import { httpWitness, readWitnessConfig } from '#adapters/local/http-witness.ts';
import { createJsonlAlerts } from '#adapters/local/jsonl-alerts.ts';
import { localActor } from '#core/admin/admin-chain.ts';
import { loadDeploymentView } from '#core/admin/deployments.ts';
import { recordKeyChanges } from '#core/admin/key-events.ts';
import { withDeploymentCheck } from '#core/admin/model-check.ts';
import { type PolicyInForce, recordPolicyInForce } from '#core/admin/policy-change.ts';
import type { IntakeEnvelope } from '#core/events/envelope.ts';
import type { LanePlan } from '#core/events/lanes.ts';
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
import { verifyCommand } from '#core/report/evidence.ts';
import { createBodySealer } from '#core/retention/body-sealer.ts';
import { followGovernance } from '#core/retention/governance.ts';
import { openRecord } from '#core/retention/open-record.ts';
import { openingLedger } from '#core/retention/opening-ledger.ts';
import { type PurgeDeps, type PurgeReport, runPurge } from '#core/retention/purge.ts';
import { DEFAULT_RETENTION_RULES, type RetentionRules } from '#core/retention/rules.ts';
import { proveEvent } from '#core/verify/proof.ts';
import { verifyArchive } from '#core/verify/verify-archive.ts';
import type { AlertsPort } from '#ports/alerts.ts';
import { type ClockPort, systemClock } from '#ports/clock.ts';
import type { GuardrailEvaluator } from '#ports/guardrail.ts';
import type { LedgerPort } from '#ports/ledger.ts';
import type { LogPort } from '#ports/log.ts';
import type { CheckpointDeps, ProcessorDeps } from '#ports/pipeline-deps.ts';
import type { PolicyEngine, RuntimePolicyEngine } from '#ports/policy-engine.ts';

/** Where a dev runtime keeps its state, under one data directory. */
export interface DevPaths {
  readonly data: string;
  readonly ledger: string;
  readonly stream: string;
  readonly archive: string;
  readonly keys: string;
  readonly apiKey: string;
  /** Keys created with `audit-trail keys` (digests, roles, scopes). */
  readonly accessKeys: string;
  readonly alerts: string;
  /** Witnesses the checkpointer asks to cosign (`audit-trail witness add`). */
  readonly witnesses: string;
  /** The body-key store (layout v2): destroying a key there erases bodies. */
  readonly bodyKeys: string;
  /** Archive objects under a legal hold (what S3 Object Lock legal holds are on AWS). */
  readonly legalHolds: string;
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
    accessKeys: join(data, 'access-keys.json'),
    alerts: join(data, 'alerts.jsonl'),
    witnesses: join(data, 'witnesses.json'),
    bodyKeys: join(data, 'body-keys'),
    legalHolds: join(data, 'legal-holds.txt'),
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
  /** The policy's name and source: a `policy.change` record is written at start when its
   * version differs from the last one on the admin chain. */
  readonly policyInForce?: Omit<PolicyInForce, 'version'>;
  /** @default JSON lines in `<data>/alerts.jsonl`, also POSTed to `alertWebhook` if given */
  readonly alerts?: AlertsPort;
  /** URL that receives each batch of PolicyViolation alerts as a JSON POST. */
  readonly alertWebhook?: string;
  /** Adds `POST /v1/guardrails/evaluate`. */
  readonly guardrail?: GuardrailEvaluator;
  /** Hot keys spread over lanes, `<key>~<lane>` (typed config `lanesPerChain`).
   * @default one lane each */
  readonly lanes?: LanePlan;
  /** Stream tuning (batching, retry backoff). */
  readonly stream?: Pick<DurableStreamOptions, 'batchSize' | 'batchWindowMs' | 'retry'>;
  /** Wraps the ledger the processor writes to (tests use it to inject failures). */
  readonly wrapLedger?: (ledger: LedgerPort) => LedgerPort;
  /** Retention rules applied at write time. @default DEFAULT_RETENTION_RULES */
  readonly retention?: RetentionRules;
  /** @default the system clock */
  readonly clock?: ClockPort;
  /** `v1` writes ingested bodies in plaintext (layout v1, which no purge can erase): only
   * for the ingest benchmark's comparison of the two layouts (test/bench/ingest.bench.ts).
   * Records the product writes itself are sealed either way. @default 'v2' */
  readonly ingestLayout?: 'v1' | 'v2';
  /** How often the purge runs by itself. @default one day */
  readonly purgeIntervalMs?: number;
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
  /** Runs the purge now (one at a time), then signs checkpoints so its receipts are
   * covered, and empties the stream's WAL when everything is processed. */
  purge(options?: { readonly now?: Date; readonly dryRun?: boolean }): Promise<PurgeReport>;
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
    const clock = options.clock ?? systemClock;
    const bodyKeys = await openFileBodyKeys(paths.bodyKeys);
    const sealer = await createBodySealer(options.retention ?? DEFAULT_RETENTION_RULES, bodyKeys);

    const engine = options.policy ?? passThroughPolicy;
    const adminWriter = { ledger, archive, clock };
    const operator = localActor(userInfo().username);
    if (options.policyInForce !== undefined) {
      await recordPolicyInForce(
        { ...options.policyInForce, version: engine.version },
        operator,
        adminWriter,
      );
    }
    const keyStore = openFileKeyStore(paths.accessKeys);
    // Keys created or revoked with `audit-trail keys` (also while running) become admin
    // records at start, before each checkpoint and before the admin chain is listed.
    const syncKeys = () => keyStore.list().then((keys) => recordKeyChanges(keys, adminWriter));
    await syncKeys();
    const deployments = await loadDeploymentView(ledger);
    const unapproved = (engine as Partial<RuntimePolicyEngine>).policy?.options.unapproved_model;
    const processor: ProcessorDeps = {
      ledger,
      archive,
      policy: withDeploymentCheck(engine, deployments, clock, unapproved),
      alerts:
        options.alerts ??
        createJsonlAlerts({
          file: paths.alerts,
          log,
          ...(options.alertWebhook === undefined ? {} : { webhookUrl: options.alertWebhook }),
        }),
      clock,
      log,
      ...(options.ingestLayout === 'v1' ? {} : { sealer }),
    };
    const stream = await openDurableStream(paths.stream, {
      consumer: (envelopes: readonly IntakeEnvelope[]) => processBatch(envelopes, processor),
      partitionKeyOf: chainOf,
      log,
      ...options.stream,
    });
    cleanups.push(() => stream.close());

    const signChains = serialCheckpoints({
      ledger: fileLedger,
      archive,
      signer,
      clock,
      log,
      logName: signer.keyName,
      witnesses: (await readWitnessConfig(paths.witnesses)).map((w) => httpWitness(w.url, w.vkey)),
    });
    const checkpoint = async (): Promise<void> => {
      await syncKeys().catch((error: unknown) =>
        log.error('recording key changes failed; retried next checkpoint', { error }),
      );
      await signChains();
    };

    const objectHolds = openFileObjectHolds(paths.legalHolds);
    // One follower of the governance chain for the purge and the governance routes.
    const governanceState = followGovernance(ledger);
    const purgeDeps: PurgeDeps = {
      ledger,
      archive,
      clock,
      keys: bodyKeys,
      log,
      objectHolds,
      governanceState,
    };
    let purging: Promise<unknown> = Promise.resolve();
    const purge: DevRuntime['purge'] = (request = {}) => {
      const run = purging.then(async () => {
        const report = await runPurge(
          { now: request.now ?? clock.now(), dryRun: request.dryRun === true },
          purgeDeps,
        );
        if (!report.dry_run) {
          await checkpoint();
          await stream.compact();
        }
        return report;
      });
      purging = run.catch((error: unknown) =>
        log.error('purge failed; retried next run', { error }),
      );
      return run;
    };
    const purgeTimer = setInterval(
      () => void purge().catch(() => undefined),
      options.purgeIntervalMs ?? DAY_MS,
    );
    purgeTimer.unref();
    cleanups.push(async () => clearInterval(purgeTimer));
    const timer = setInterval(() => void checkpoint(), options.checkpointIntervalMs ?? 10_000);
    timer.unref();
    cleanups.push(async () => clearInterval(timer));

    const reviewDeps: ReviewDeps = {
      ledger: openingLedger(fileLedger, bodyKeys),
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
      keys: keyStore,
      query: {
        ledger: openingLedger(fileLedger, bodyKeys),
        archive,
        clock: systemClock,
        // Reviews and raw-read records are sealed like ingested bodies (subject data).
        sealer,
        prove: (record) => proveEvent(archive, record.event_id, record.chain),
      },
      stream,
      ...(options.lanes === undefined ? {} : { lanes: options.lanes }),
      ledger,
      open: (r) => openRecord(r, bodyKeys),
      log,
      health: () => ({ ...stream.stats() }),
      governance: {
        ledger,
        archive,
        clock,
        subjects: sealer.subjects,
        objectHolds,
        governanceState,
        afterErasure: () => purge(),
      },
      evidence: {
        sources: {
          reader: archive,
          bodyKeys,
          // In process, between reads: the server keeps answering while it runs.
          verify: async (chains) => ({
            report: await verifyArchive(archive, {
              bodyKeys,
              ...(chains.size > 0 ? { chains } : {}),
            }),
            command: verifyCommand(paths.archive, chains, { bodyKeys: paths.bodyKeys }),
          }),
        },
        archive: paths.archive,
        clock,
      },
      admin: {
        ...adminWriter,
        deployments,
        policyVersion: engine.version,
        beforeList: syncKeys,
      },
      consoleDir: CONSOLE_DIR,
      ...(options.guardrail === undefined ? {} : { guardrail: options.guardrail }),
    });

    let stopping: Promise<void> | undefined;
    const stop = (): Promise<void> => {
      stopping ??= (async () => {
        clearInterval(timer);
        clearInterval(purgeTimer);
        await api.close();
        await stream.drain();
        await purging;
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
      purge,
      fairnessReview,
      stop,
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
};

const DAY_MS = 86_400_000;
/** The browser console's static files (console/ in the repository), served at /console/. */
const CONSOLE_DIR = fileURLToPath(new URL('../../../console', import.meta.url));
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
  await mkdirSynced(paths.data);
  const unlock = await lockDataDir(paths.lock);
  try {
    const ledger = await openFileLedger(paths.ledger);
    try {
      const archive = openFileArchive(paths.archive);
      const signer = await loadOrCreateEd25519Signer(paths.keys);
      const alerts = createJsonlAlerts({ file: paths.alerts, log });
      // Reviews read bodies: layout v2 ones are opened with the body keys while they exist.
      const bodyKeys = await openFileBodyKeys(paths.bodyKeys);
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
        review: { ledger: openingLedger(ledger, bodyKeys), archive, alerts, clock: systemClock },
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
