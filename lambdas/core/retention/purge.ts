/**
 * The purge: makes bodies unreadable once their retention ends or an erasure request names
 * them, except where a legal hold keeps them. One run, in order:
 *
 *  1. find: scan each chain's layout-v2 records for bodies that are due (retention `until`
 *     reached, subject or event named by an erasure request) and still readable;
 *  2. skip held: a due body an active hold covers is kept; its record key is escrowed so
 *     destroying the shared period/subject key does not take it along (the refusal is counted
 *     per hold in the summary);
 *  3. receipts: one `purge` record per chain naming the ranges and reasons, appended BEFORE
 *     any key is destroyed (with a deterministic event id, so a rerun after a crash re-finds
 *     the same receipt instead of writing a second one, and no body is ever unreadable
 *     without a receipt);
 *  4. make unreadable: destroy the due period keys, the requested subject keys and the
 *     escrowed keys of purged records (siblings of a subject named only through some of its
 *     events are escrowed first, so they stay readable);
 *  5. a summary `purge` record on the governance chain (per request: erased / held).
 *
 * A rerun finds nothing more: purged bodies are no longer readable, so they are not due again.
 */
import { createHash } from 'node:crypto';
import type { LedgerRecord, PolicyResult } from '#core/chain/record.ts';
import { appendRecords, type RecordWriterDeps, unsealed } from '#core/pipeline/append-records.ts';
import type { BodyKeysPort } from '#ports/body-keys.ts';
import type { LogPort } from '#ports/log.ts';
import type { ObjectHoldsPort } from '#ports/object-holds.ts';
import {
  decryptBody,
  deriveRecordKey,
  periodKeyId,
  recordKeyFrom,
  recordKeyId,
  subjectKeyId,
} from './body-crypto.ts';
import { quarantineSubject } from './body-sealer.ts';
import {
  GOVERNANCE_CHAIN,
  type GovernanceSource,
  type GovernanceState,
  governanceOf,
  holdCovers,
  type PurgeSummaryBody,
} from './governance.ts';
import { syncObjectHolds } from './object-holds.ts';
import { isDue } from './rules.ts';

/** The quarantine key a rejected record's (still readable) body names. */
const rejectedQuarantineKey = (
  record: LedgerRecord,
  keys: ReadonlyMap<string, Uint8Array>,
): string | undefined => {
  const sealed = record.body_enc;
  const key = sealed && recordKeyFrom(record, sealed, keys);
  const opened = key && sealed ? decryptBody(key, record, sealed) : undefined;
  if (opened === undefined) return undefined;
  const body = JSON.parse(opened.text) as { quarantine_key?: unknown };
  return typeof body.quarantine_key === 'string' ? body.quarantine_key : undefined;
};

const NO_POLICY: PolicyResult = { version: 'none', decision: 'pass', findings: [] };

export interface PurgeDeps extends RecordWriterDeps, GovernanceSource {
  readonly keys: BodyKeysPort;
  readonly log: LogPort;
  /** Object legal holds (S3 Object Lock on AWS), brought up to date by every run. */
  readonly objectHolds?: ObjectHoldsPort;
}

export interface PurgeOptions {
  readonly now: Date;
  /** Report what would be purged; change nothing. */
  readonly dryRun?: boolean;
}

export interface ChainPurge {
  readonly chain: string;
  readonly ranges: readonly (readonly [number, number])[];
  readonly reasons: readonly string[];
  readonly count: number;
  /** The receipt (absent on a dry run). */
  readonly receipt?: { readonly seq: number; readonly event_id: string };
}

export interface PurgeReport {
  readonly run_id: string;
  readonly at: string;
  readonly dry_run: boolean;
  readonly purged: number;
  readonly by_rule: Readonly<Record<string, number>>;
  readonly requests: Readonly<Record<string, { erased: number; held: number }>>;
  readonly held: Readonly<Record<string, number>>;
  readonly chains: readonly ChainPurge[];
  readonly keys_destroyed: number;
  /** Layout v1 bodies (plaintext, written before v2) this mechanism cannot purge. */
  readonly legacy_bodies: number;
}

/** Seqs (ascending) as inclusive ranges. */
export const toRanges = (seqs: readonly number[]): [number, number][] => {
  const ranges: [number, number][] = [];
  for (const seq of seqs) {
    const last = ranges[ranges.length - 1];
    if (last && seq === last[1] + 1) last[1] = seq;
    else ranges.push([seq, seq]);
  }
  return ranges;
};

/** One chain's due bodies: seqs only (a run may cover millions), and the reasons. */
interface Due {
  readonly seqs: number[];
  readonly reasons: Set<string>;
}

/** Everything one run decides before changing anything. */
interface Plan {
  readonly purge: Map<string, Due>;
  readonly escrow: LedgerRecord[];
  readonly destroy: Set<string>;
  readonly byRule: Record<string, number>;
  readonly requests: Record<string, { erased: number; held: number }>;
  readonly held: Record<string, number>;
  legacy: number;
}

const erasureIndex = (state: GovernanceState) => {
  const bySubject = new Map<string, string[]>();
  const byEvent = new Map<string, string[]>();
  for (const request of state.erasures.values()) {
    if (request.subject !== undefined) {
      bySubject.set(request.subject, [
        ...(bySubject.get(request.subject) ?? []),
        request.request_id,
      ]);
    }
    for (const id of request.event_ids ?? []) {
      byEvent.set(id, [...(byEvent.get(id) ?? []), request.request_id]);
    }
  }
  return { bySubject, byEvent };
};

/** Subjects named only through some of their events: their other bodies must be escrowed
 * before the subject key goes. */
const splitSubjects = async (
  byEvent: ReadonlyMap<string, string[]>,
  deps: PurgeDeps,
): Promise<Set<string>> => {
  const split = new Set<string>();
  const where = await deps.ledger.locate([...byEvent.keys()]);
  for (const at of where.values()) {
    const record = await deps.ledger.get(at.chain, at.seq);
    const s = record?.body_enc?.s;
    if (s !== undefined && !s.startsWith('rec:')) split.add(s);
  }
  return split;
};

const plan = async (now: Date, state: GovernanceState, deps: PurgeDeps): Promise<Plan> => {
  const { bySubject, byEvent } = erasureIndex(state);
  const split = await splitSubjects(byEvent, deps);
  const holds = [...state.holds.values()].filter((h) => h.released_at === undefined);
  const have = new Set(await deps.keys.ids(''));
  const out: Plan = {
    purge: new Map(),
    escrow: [],
    destroy: new Set(),
    byRule: {},
    requests: {},
    held: {},
    legacy: 0,
  };
  const quarantineKeys: LedgerRecord[] = [];
  const count = (id: string, field: 'erased' | 'held') => {
    const c = out.requests[id] ?? { erased: 0, held: 0 };
    c[field] += 1;
    out.requests[id] = c;
  };
  for await (const chain of deps.ledger.chains()) {
    if (chain === GOVERNANCE_CHAIN) continue;
    const head = await deps.ledger.head(chain);
    for await (const record of deps.ledger.range(chain, 0, head.seq)) {
      const sealed = record.body_enc;
      if (sealed === undefined) {
        if (record.body !== undefined && record.kind !== 'purge') out.legacy += 1;
        continue;
      }
      const rKey = recordKeyId(record.chain, record.seq);
      const pKey = periodKeyId(sealed.p);
      const sKey = subjectKeyId(sealed.s);
      const readable = have.has(rKey) || (have.has(pKey) && have.has(sKey));
      if (!readable) continue;
      const reasons: string[] = [];
      const requests: string[] = [];
      if (record.retention && isDue(record.retention, now)) {
        reasons.push(record.retention.rule);
        out.destroy.add(pKey);
      }
      for (const id of bySubject.get(sealed.s) ?? []) requests.push(id);
      for (const id of byEvent.get(record.event_id) ?? []) requests.push(id);
      if (requests.length > 0) {
        out.destroy.add(sKey);
        reasons.push(...requests.map((id) => `erasure:${id}`));
      }
      if (reasons.length === 0) {
        // Not due, but its subject key goes for another of its records: keep it readable.
        if (split.has(sealed.s) && !have.has(rKey)) out.escrow.push(record);
        continue;
      }
      const covering = holds.filter((h) => holdCovers(h.scope, record, sealed.s));
      if (covering.length > 0) {
        for (const h of covering) out.held[h.hold_id] = (out.held[h.hold_id] ?? 0) + 1;
        for (const id of requests) count(id, 'held');
        if (!have.has(rKey)) out.escrow.push(record);
        continue;
      }
      if (have.has(rKey)) out.destroy.add(rKey);
      // A rejected record's raw bytes in quarantine go with its body.
      if (record.kind === 'rejected') quarantineKeys.push(record);
      for (const id of requests) count(id, 'erased');
      if (record.retention && reasons[0] === record.retention.rule) {
        out.byRule[record.retention.rule] = (out.byRule[record.retention.rule] ?? 0) + 1;
      }
      const due = out.purge.get(chain) ?? { seqs: [], reasons: new Set<string>() };
      due.seqs.push(record.seq);
      for (const reason of reasons) due.reasons.add(reason);
      out.purge.set(chain, due);
    }
  }
  if (quarantineKeys.length > 0) {
    const found = await deps.keys.get(
      quarantineKeys.flatMap((r) => [
        periodKeyId(r.body_enc?.p ?? ''),
        subjectKeyId(r.body_enc?.s ?? ''),
      ]),
    );
    for (const r of quarantineKeys) {
      const key = rejectedQuarantineKey(r, found);
      if (key !== undefined) out.destroy.add(subjectKeyId(quarantineSubject(key)));
    }
  }
  // A request seen by no run yet is completed by this one, even with nothing left to erase.
  const reported = new Set(state.summaries.flatMap((x) => Object.keys(x.body.requests)));
  for (const id of state.erasures.keys()) {
    if (!reported.has(id)) out.requests[id] ??= { erased: 0, held: 0 };
  }
  // Keys of escrowed records stay: only the shared keys and purged records' own keys go.
  for (const r of out.escrow) out.destroy.delete(recordKeyId(r.chain, r.seq));
  for (const id of out.destroy) if (!have.has(id)) out.destroy.delete(id);
  return out;
};

const runIdOf = (chains: readonly ChainPurge[], now: Date): string =>
  createHash('sha256')
    .update(JSON.stringify(chains.map((c) => [c.chain, c.ranges, c.reasons])))
    .update(now.toISOString().slice(0, 10))
    .digest('hex')
    .slice(0, 24);

/**
 * Appends the purge receipt of one chain (idempotent: its event id is the run's and the
 * chain's, so a retry or a rerun of the same run finds it). The AWS workflow writes receipts
 * chain by chain in a Map state before the final run destroys any key.
 */
export const appendReceipt = async (
  c: ChainPurge,
  runId: string,
  now: Date,
  writer: RecordWriterDeps,
): Promise<ChainPurge> => {
  const eventId = `${runId}:${c.chain}`;
  const { appended, alreadyRecorded } = await appendRecords(
    c.chain,
    [
      {
        kind: 'purge',
        event_id: eventId,
        policy: NO_POLICY,
        ref: { ranges: c.ranges, reasons: c.reasons },
        body: { run_id: runId, at: now.toISOString(), count: c.count, reasons: c.reasons },
      },
    ],
    unsealed(writer),
  );
  const seq = appended[0]?.seq ?? alreadyRecorded.get(eventId)?.seq ?? -1;
  return { ...c, receipt: { seq, event_id: eventId } };
};

/** Runs one purge (see the file comment). Safe to rerun at any point. */
export const runPurge = async (options: PurgeOptions, deps: PurgeDeps): Promise<PurgeReport> => {
  const { now } = options;
  const dryRun = options.dryRun === true;
  const state = await governanceOf(deps);
  const p = await plan(now, state, deps);
  let chains: ChainPurge[] = [...p.purge]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([chain, due]) => ({
      chain,
      ranges: toRanges(due.seqs),
      reasons: [...due.reasons].sort(),
      count: due.seqs.length,
    }));
  const runId = `purge_${runIdOf(chains, now)}`;
  const report = (keysDestroyed: number): PurgeReport => ({
    run_id: runId,
    at: now.toISOString(),
    dry_run: dryRun,
    purged: chains.reduce((n, c) => n + c.count, 0),
    by_rule: p.byRule,
    requests: p.requests,
    held: p.held,
    chains,
    keys_destroyed: keysDestroyed,
    legacy_bodies: p.legacy,
  });
  if (dryRun) return report(0);

  // 3. Receipts first: a crash after this point reruns into the same receipts.
  const writer: RecordWriterDeps = deps;
  chains = await Promise.all(chains.map((c) => appendReceipt(c, runId, now, writer)));
  // 4. Escrow what must stay readable, then destroy.
  if (p.escrow.length > 0) {
    const found = await deps.keys.get(
      p.escrow.flatMap((r) => [
        periodKeyId(r.body_enc?.p ?? ''),
        subjectKeyId(r.body_enc?.s ?? ''),
      ]),
    );
    await deps.keys.put(
      p.escrow.flatMap((r) => {
        const pk = found.get(periodKeyId(r.body_enc?.p ?? ''));
        const sk = found.get(subjectKeyId(r.body_enc?.s ?? ''));
        return pk && sk
          ? [{ id: recordKeyId(r.chain, r.seq), key: deriveRecordKey(pk, sk, r.chain, r.seq) }]
          : [];
      }),
    );
  }
  const destroyed = await deps.keys.destroy([...p.destroy]);
  // 5. The summary, on the governance chain.
  const done = report(destroyed);
  if (
    done.purged > 0 ||
    Object.keys(done.held).length > 0 ||
    Object.keys(done.requests).length > 0
  ) {
    const summary: PurgeSummaryBody = {
      run_id: runId,
      at: done.at,
      purged: done.purged,
      by_rule: done.by_rule,
      requests: done.requests,
      held: done.held,
      receipts: chains.map((c) => ({ chain: c.chain, seq: c.receipt?.seq ?? -1 })),
    };
    await appendRecords(
      GOVERNANCE_CHAIN,
      [{ kind: 'purge', event_id: runId, policy: NO_POLICY, body: summary }],
      unsealed(writer),
    );
  }
  // 6. Object legal holds, so records that arrived after a hold get their objects held too.
  const objectHolds = deps.objectHolds
    ? await syncObjectHolds(state, { ...deps, objectHolds: deps.objectHolds })
    : undefined;
  deps.log.info('purge run', {
    ...(objectHolds === undefined ? {} : { object_holds: objectHolds }),
    run_id: runId,
    purged: done.purged,
    chains: chains.length,
    keys_destroyed: destroyed,
    held: Object.values(done.held).reduce((a, b) => a + b, 0),
  });
  return done;
};
