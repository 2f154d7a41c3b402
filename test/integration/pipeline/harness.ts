import { join } from 'node:path';
import { openFileArchive } from '#adapters/local/file-archive.ts';
import { openFileLedger } from '#adapters/local/file-ledger.ts';
import type { IntakeEnvelope } from '#core/events/envelope.ts';
import { passThroughPolicy } from '#core/policy/engine.ts';
import type { PolicyViolationAlert } from '#ports/alerts.ts';
import type { ProcessorDeps } from '#ports/pipeline-deps.ts';
import type { PolicyEngine } from '#ports/policy-engine.ts';
import { silentLog } from '#test/helpers/silent-log.ts';
import { removeDir, tempDir } from '#test/helpers/temp-dir.ts';

/** Collects what the processor logs and alerts, for assertions. */
export interface Harness {
  readonly dir: string;
  readonly deps: ProcessorDeps;
  readonly alerts: PolicyViolationAlert[];
  close(): Promise<void>;
}

/** The processor on the real local adapters in a temp dir. */
export const openHarness = async (policy: PolicyEngine = passThroughPolicy): Promise<Harness> => {
  const dir = await tempDir('pipeline-');
  const ledger = await openFileLedger(join(dir, 'ledger'));
  const archive = openFileArchive(join(dir, 'archive'));
  const alerts: PolicyViolationAlert[] = [];
  return {
    dir,
    alerts,
    deps: {
      ledger,
      archive,
      policy,
      alerts: {
        publish: async (batch) => {
          for (const a of batch) if (a.type === 'PolicyViolation') alerts.push(a);
        },
      },
      clock: { now: () => new Date('2026-11-23T12:00:00Z') },
      log: silentLog,
    },
    close: async () => {
      await ledger.close();
      await removeDir(dir);
    },
  };
};

let counter = 0;

/** An envelope as the API would put it on the stream. */
export const envelope = (payload: unknown, requestId = `req-${++counter}`): IntakeEnvelope => ({
  v: 1,
  route: 'decision_log',
  request_id: requestId,
  received_at: '2026-11-23T11:59:59.000Z',
  payload,
});

/** A minimal valid decision log for an application. */
export const decision = (application: string, id: string, decisionText = 'approve') => ({
  application_id: application,
  decision_id: id,
  timestamp: '2026-11-23T11:59:00Z',
  model: 'gpt-4-turbo',
  output: { decision: decisionText, reason: 'within policy' },
});
