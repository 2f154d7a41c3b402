/**
 * The data directory opened by a one-shot command (`audit-trail purge | hold | erase`) while
 * no `audit-trail dev` runs on it: the same ledger, archive, body keys and signer, under the
 * same lock, so the command and a server can never write at once.
 */
import { mkdir } from 'node:fs/promises';
import { lockDataDir } from '#adapters/local/data-dir-lock.ts';
import { loadOrCreateEd25519Signer } from '#adapters/local/ed25519-signer.ts';
import { openFileArchive } from '#adapters/local/file-archive.ts';
import { type FileBodyKeys, openFileBodyKeys } from '#adapters/local/file-body-keys.ts';
import { openFileLedger } from '#adapters/local/file-ledger.ts';
import { openFileObjectHolds } from '#adapters/local/file-object-holds.ts';
import { Wal } from '#adapters/local/wal.ts';
import { checkpointChains } from '#core/pipeline/checkpoint.ts';
import { createBodySealer } from '#core/retention/body-sealer.ts';
import type { GovernanceDeps } from '#core/retention/governance.ts';
import { type PurgeReport, runPurge } from '#core/retention/purge.ts';
import { DEFAULT_RETENTION_RULES, type RetentionRules } from '#core/retention/rules.ts';
import type { BodySealer } from '#ports/body-sealer.ts';
import { type ClockPort, systemClock } from '#ports/clock.ts';
import type { LedgerPort } from '#ports/ledger.ts';
import type { LogPort } from '#ports/log.ts';
import { devPaths } from './dev-runtime.ts';

export interface AdminSession {
  readonly governance: GovernanceDeps;
  readonly sealer: BodySealer;
  readonly ledger: LedgerPort;
  readonly keys: FileBodyKeys;
  /** Runs the purge; unless a dry run, signs checkpoints over its receipts and empties the
   * stream's WAL when it holds nothing unprocessed. */
  purge(options: { readonly now?: Date; readonly dryRun?: boolean }): Promise<PurgeReport>;
  close(): Promise<void>;
}

const quietLog: LogPort = { info: () => undefined, warn: () => undefined, error: () => undefined };

export const openAdminSession = async (
  dataDir: string,
  options: {
    readonly clock?: ClockPort;
    readonly retention?: RetentionRules;
    readonly log?: LogPort;
  } = {},
): Promise<AdminSession> => {
  const paths = devPaths(dataDir);
  await mkdir(paths.data, { recursive: true });
  const unlock = await lockDataDir(paths.lock);
  const clock = options.clock ?? systemClock;
  const log = options.log ?? quietLog;
  let ledger: Awaited<ReturnType<typeof openFileLedger>> | undefined;
  try {
    ledger = await openFileLedger(paths.ledger);
    const archive = openFileArchive(paths.archive);
    const keys = await openFileBodyKeys(paths.bodyKeys);
    const sealer = await createBodySealer(options.retention ?? DEFAULT_RETENTION_RULES, keys);
    const open = ledger;
    const objectHolds = openFileObjectHolds(paths.legalHolds);
    const governance: GovernanceDeps = {
      ledger: open,
      archive,
      clock,
      subjects: sealer.subjects,
      objectHolds,
    };
    return {
      governance,
      sealer,
      ledger: open,
      keys,
      purge: async ({ now, dryRun }) => {
        const report = await runPurge(
          { now: now ?? clock.now(), dryRun: dryRun === true },
          { ledger: open, archive, clock, keys, log, objectHolds },
        );
        if (report.dry_run) return report;
        const signer = await loadOrCreateEd25519Signer(paths.keys);
        await checkpointChains({
          ledger: open,
          archive,
          signer,
          clock,
          log,
          logName: signer.keyName,
        });
        await mkdir(paths.stream, { recursive: true });
        const { wal } = await Wal.open(paths.stream, 16 * 1024 * 1024);
        await wal.dropConsumed();
        await wal.close();
        return report;
      },
      close: async () => {
        await open.close();
        await unlock();
      },
    };
  } catch (error) {
    await ledger?.close();
    await unlock();
    throw error;
  }
};
