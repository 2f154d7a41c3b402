import { sealRecord } from '#core/chain/hash.ts';
import type {
  ChainHead,
  LedgerRecord,
  PolicyResult,
  RecordEnvelope,
  RecordKind,
  RecordRef,
  RecordRetention,
} from '#core/chain/record.ts';
import { carryTerms } from '#core/search/terms.ts';
import type { BodySealer } from '#ports/body-sealer.ts';
import {
  ChainConflictError,
  DuplicateEventError,
  type EventLocation,
  type LedgerPort,
} from '#ports/ledger.ts';

/** One record-to-be: everything but its place in the chain. */
export interface PendingRecord {
  readonly kind: RecordKind;
  readonly event_id: string;
  readonly occurred_at?: string;
  readonly policy: PolicyResult;
  readonly ref?: RecordRef;
  readonly submitter?: RecordEnvelope['submitter'];
  /** Matched by retention rules that name a use case. */
  readonly use_case?: string;
  /** The user whose data the body holds when the body itself does not say (a rejected
   * record's raw input): its key erases the body with the user's others. */
  readonly user_id?: string;
  readonly body: unknown;
}

/** How often an append is rebuilt on a moved head before the batch is failed and redelivered. */
const MAX_ATTEMPTS = 10;

/** Jittered exponential back-off, so racing writers stop colliding (1, 2, 4 … ms, capped). */
const backOff = (attempt: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(2 ** attempt, 200)));

export interface AppendResult {
  readonly head: ChainHead;
  /** Records written now, in seq order. */
  readonly appended: readonly LedgerRecord[];
  /** Pending records another writer recorded first, by event_id. */
  readonly alreadyRecorded: ReadonlyMap<string, EventLocation>;
}

/** Each pending record's retention. A batch's records mostly share kind and use case: the
 * rule is looked up again only when they change (the sealer's lookup builds a key string). */
const retentionsOf = (
  sealer: BodySealer,
  chain: string,
  pending: readonly PendingRecord[],
  ingestedAt: string,
): RecordRetention[] => {
  let kind: RecordKind | undefined;
  let useCase: string | undefined;
  let retention: RecordRetention | undefined;
  return pending.map((p) => {
    if (retention === undefined || p.kind !== kind || p.use_case !== useCase) {
      kind = p.kind;
      useCase = p.use_case;
      retention = sealer.retention({ kind, chain, useCase }, ingestedAt);
    }
    return retention;
  });
};

/** The records to append after `head`. With a `sealer` (layout v2) each carries its
 * retention and is built with its body encrypted, its keys made durable first. */
const build = async (
  head: ChainHead,
  pending: readonly PendingRecord[],
  ingestedAt: string,
  sealer: BodySealer | undefined,
): Promise<LedgerRecord[]> => {
  const retentions =
    sealer === undefined ? [] : retentionsOf(sealer, head.chain, pending, ingestedAt);
  const encrypters = await sealer?.encrypters(
    pending.map((p, i) => ({
      chain: head.chain,
      seq: head.seq + 1 + i,
      ingested_at: ingestedAt,
      retention: retentions[i],
      body: p.body,
      user_id: p.user_id,
    })),
  );
  let prev = head.hash;
  return pending.map((p, i) => {
    const retention = retentions[i];
    const encrypt = encrypters?.[i];
    const record = sealRecord(
      {
        chain: head.chain,
        seq: head.seq + 1 + i,
        kind: p.kind,
        event_id: p.event_id,
        ingested_at: ingestedAt,
        ...(p.occurred_at === undefined ? {} : { occurred_at: p.occurred_at }),
        policy: p.policy,
        ...(p.ref === undefined ? {} : { ref: p.ref }),
        ...(p.submitter === undefined ? {} : { submitter: p.submitter }),
        ...(retention === undefined ? {} : { retention }),
        prev,
      },
      p.body,
      undefined,
      encrypt,
    );
    prev = record.hash;
    // The ledger indexes what it stores; a sealed body's terms come from it in plaintext.
    return encrypt === undefined ? record : carryTerms(record, p.body);
  });
};

/**
 * Appends pending records to a chain under the ledger's conditional write. When another
 * writer moved the head or recorded some of the same events first, it drops those and
 * rebuilds on the new head, so concurrent processors never fork or skip a seq. With a
 * `sealer` (layout v2) records carry their retention and are stored with encrypted bodies;
 * the records answered are those stored.
 */
export const appendToChain = async (
  chain: string,
  pending: readonly PendingRecord[],
  ledger: LedgerPort,
  ingestedAt: string,
  sealer?: BodySealer,
): Promise<AppendResult> => {
  const alreadyRecorded = new Map<string, EventLocation>();
  let todo = pending;
  for (let attempt = 1; ; attempt += 1) {
    const head = await ledger.head(chain);
    if (todo.length === 0) return { head, appended: [], alreadyRecorded };
    const records = await build(head, todo, ingestedAt, sealer);
    try {
      await ledger.append(head, records);
      return { head: headOf(records, head), appended: records, alreadyRecorded };
    } catch (error) {
      const retryable = error instanceof ChainConflictError || error instanceof DuplicateEventError;
      if (!retryable || attempt >= MAX_ATTEMPTS) throw error;
      const found = await ledger.locate(todo.map((p) => p.event_id));
      for (const [eventId, where] of found) alreadyRecorded.set(eventId, where);
      todo = todo.filter((p) => !found.has(p.event_id));
      await backOff(attempt);
    }
  }
};

const headOf = (records: readonly LedgerRecord[], previous: ChainHead): ChainHead => {
  const last = records.at(-1);
  return last ? { chain: previous.chain, seq: last.seq, hash: last.hash } : previous;
};
