/** Factories shared by the AWS adapter and handler tests. */
import { sealRecord } from '#core/chain/hash.ts';
import { type ChainHead, GENESIS_PREV, type LedgerRecord } from '#core/chain/record.ts';
import type { IntakeEnvelope } from '#core/events/envelope.ts';
import { passThroughPolicy } from '#core/policy/engine.ts';
import type { AlertsPort, PolicyViolationAlert } from '#ports/alerts.ts';
import type { ArchivePort } from '#ports/archive.ts';
import type { LedgerPort } from '#ports/ledger.ts';
import type { ProcessorDeps } from '#ports/pipeline-deps.ts';
import { silentLog } from '#test/helpers/silent-log.ts';

export const emptyHead = (chain: string): ChainHead => ({ chain, seq: -1, hash: GENESIS_PREV });

export const headOf = (records: readonly LedgerRecord[]): ChainHead => {
  const last = records.at(-1);
  if (!last) throw new Error('no records');
  return { chain: last.chain, seq: last.seq, hash: last.hash };
};

/** Really sealed records (hash and body_hash computed by the chain core) after `head`. */
export const sealedAfter = (
  head: ChainHead,
  count: number,
  options: { prefix?: string; ids?: readonly string[]; body?: (seq: number) => unknown } = {},
): LedgerRecord[] => {
  const out: LedgerRecord[] = [];
  let prev = head.hash;
  for (let i = 0; i < count; i++) {
    const seq = head.seq + 1 + i;
    const record = sealRecord(
      {
        chain: head.chain,
        seq,
        kind: 'decision',
        event_id: options.ids?.[i] ?? `${options.prefix ?? head.chain}-${seq}`,
        ingested_at: '2025-01-01T00:00:00.000Z',
        occurred_at: '2024-12-31T23:59:59Z',
        policy: {
          version: 'none',
          decision: 'pass',
          findings: [],
          client_reported: [{ huge: 1e300, tiny: 5e-324, neg: -0.5 }],
        },
        prev,
      },
      options.body ? options.body(seq) : { decision_id: `d-${seq}`, user: { id: 'u-1' }, n: seq },
    );
    out.push(record);
    prev = record.hash;
  }
  return out;
};

/** A decision log the intake schema accepts, wrapped as API Gateway puts it on Kinesis. */
export const decisionEnvelope = (
  decisionId: string,
  application: string,
  extra: Record<string, unknown> = {},
): IntakeEnvelope => ({
  v: 1,
  route: 'decision_log',
  request_id: `req-${decisionId}`,
  received_at: '2025-02-03T04:05:06.000Z',
  payload: {
    application_id: application,
    decision_id: decisionId,
    timestamp: '2025-02-03T04:05:00Z',
    model: 'scorer-v1',
    input: { amount: 100 },
    output: { decision: 'approve', reason: 'within limits' },
    ...extra,
  },
});

/** Alerts kept in memory (the EventBridge adapter has its own test). */
export const memoryAlerts = (): AlertsPort & { published: PolicyViolationAlert[] } => {
  const published: PolicyViolationAlert[] = [];
  return {
    published,
    publish: async (alerts) => {
      for (const a of alerts) if (a.type === 'PolicyViolation') published.push(a);
    },
  };
};

export const processorDeps = (ledger: LedgerPort, archive: ArchivePort): ProcessorDeps => ({
  ledger,
  archive,
  policy: passThroughPolicy,
  alerts: memoryAlerts(),
  clock: { now: () => new Date('2025-02-03T04:05:07.000Z') },
  log: silentLog,
  retainUntil: (now) => new Date(now.getTime() + 86_400_000),
});
