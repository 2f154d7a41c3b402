import { qualify } from '#core/access/tenant.ts';
import { canonicalJson } from '#core/chain/canonical.ts';
import { bodyHash } from '#core/chain/hash.ts';
import type { LedgerRecord } from '#core/chain/record.ts';
import type { IntakeEnvelope } from '#core/events/envelope.ts';
import { normalise } from '#core/events/normalise.ts';
import { userIdOf } from '#core/retention/subjects.ts';
import type { PolicyViolationAlert } from '#ports/alerts.ts';
import type { EventLocation } from '#ports/ledger.ts';
import type { ProcessorDeps } from '#ports/pipeline-deps.ts';
import { appendToChain, type PendingRecord } from './append-chain.ts';
import { archiveChain } from './archive-segments.ts';
import { chainOf } from './chain-of.ts';
import type { EnvelopeOutcome } from './outcome.ts';
import { quarantine, rejectedEventId } from './rejection.ts';

/** The user a raw payload names, for the subject key of its rejected record. */
const userOf = (payload: unknown): { user_id?: string } => {
  const user = userIdOf(payload);
  return user === undefined ? {} : { user_id: user };
};

type QuarantineSeal = (bytes: Uint8Array, key: string) => Promise<Uint8Array>;

/** One envelope on its way to a record. */
interface Item {
  readonly index: number;
  readonly envelope: IntakeEnvelope;
  readonly pending: PendingRecord;
}

const errorMessage = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

/**
 * The processor: the one function the Lambda handler and the local stream both call.
 * Per chain, in order: validate/normalise (malformed → `rejected` record + quarantined
 * bytes), policy, dedupe by event_id, conditional append, archive segment, alerts.
 * Outcomes come back in input order; `failed` ones must be redelivered.
 */
export const processBatch = async (
  envelopes: readonly IntakeEnvelope[],
  deps: ProcessorDeps,
): Promise<EnvelopeOutcome[]> => {
  const outcomes: EnvelopeOutcome[] = [];
  const byChain = new Map<string, { index: number; envelope: IntakeEnvelope }[]>();
  envelopes.forEach((envelope, index) => {
    const chain = chainOf(envelope);
    const list = byChain.get(chain) ?? [];
    list.push({ index, envelope });
    byChain.set(chain, list);
  });
  await Promise.all(
    [...byChain].map(async ([chain, entries]) => {
      for (const outcome of await processChain(chain, entries, deps)) {
        outcomes[outcome.index] = outcome.outcome;
      }
    }),
  );
  const counts: Record<string, number> = {};
  for (const o of outcomes) counts[o.status] = (counts[o.status] ?? 0) + 1;
  deps.log.info('batch processed', {
    envelopes: envelopes.length,
    chains: byChain.size,
    ...counts,
  });
  return outcomes;
};

type Entry = { readonly index: number; readonly envelope: IntakeEnvelope };
type Settle = (index: number, outcome: EnvelopeOutcome) => void;

/**
 * One chain's entries, in order. When the chain's batch fails, its unsettled entries are
 * retried one by one (isolation), so one poison record cannot fail its neighbours forever:
 * an entry that fails again on its own becomes a `rejected` record when `deps.giveUp` says
 * so, else it and every later entry of the chain are `failed` (a later one must never take
 * the seq an earlier one should have).
 */
const processChain = async (
  chain: string,
  entries: readonly Entry[],
  deps: ProcessorDeps,
): Promise<{ index: number; outcome: EnvelopeOutcome }[]> => {
  const results: { index: number; outcome: EnvelopeOutcome }[] = [];
  const settle: Settle = (index, outcome) => results.push({ index, outcome });
  try {
    await runChain(chain, entries, deps, settle);
    return results;
  } catch (error) {
    const done = new Set(results.map((r) => r.index));
    const left = entries.filter((e) => !done.has(e.index));
    deps.log.warn('chain batch failed; retrying its records one by one', {
      chain,
      envelopes: left.length,
      error: errorMessage(error),
    });
    await isolate(chain, left, deps, settle);
    return results;
  }
};

const isolate = async (
  chain: string,
  entries: readonly Entry[],
  deps: ProcessorDeps,
  settle: Settle,
): Promise<void> => {
  for (const [i, entry] of entries.entries()) {
    let error: unknown;
    try {
      await runChain(chain, [entry], deps, settle);
      continue;
    } catch (failure) {
      error = failure;
    }
    if (deps.giveUp?.(entry.envelope) === true) {
      try {
        settle(entry.index, await giveUpOn(chain, entry, error, deps));
        continue;
      } catch (failure) {
        error = failure;
      }
    }
    deps.log.error('chain batch failed; redelivery expected', {
      chain,
      envelopes: entries.length - i,
      error: errorMessage(error),
    });
    for (const later of entries.slice(i)) {
      settle(later.index, {
        request_id: later.envelope.request_id,
        status: 'failed',
        chain,
        error: errorMessage(error),
      });
    }
    return;
  }
};

/**
 * Ends an envelope that keeps failing: already on the record (only what came after the
 * append failed, e.g. its alert) it is a duplicate; otherwise a `rejected` record whose body
 * names the error and points at the raw bytes in quarantine. Throws when even that cannot
 * be written (the ledger or archive is down), so it stays `failed`.
 */
const giveUpOn = async (
  chain: string,
  entry: Entry,
  error: unknown,
  deps: ProcessorDeps,
): Promise<EnvelopeOutcome> => {
  const { envelope } = entry;
  const normalised = normalise(envelope);
  if (normalised.ok) {
    const eventId = qualify(envelope.submitter?.tenant, normalised.event.event_id);
    const where = (await deps.ledger.locate([eventId])).get(eventId);
    if (where !== undefined) {
      deps.log.error('record kept, but what follows its append keeps failing; given up', {
        chain,
        event_id: eventId,
        error: errorMessage(error),
      });
      return {
        request_id: envelope.request_id,
        status: 'duplicate',
        event_id: eventId,
        chain: where.chain,
        seq: where.seq,
      };
    }
  }
  const now = deps.clock.now();
  const retainUntil = deps.retainUntil?.(now);
  const seal = deps.sealer?.quarantineSealer(chain, now.toISOString());
  const problem = {
    path: '',
    message: `not processed after repeated attempts: ${errorMessage(error)}`,
  };
  const body = await quarantine(envelope, [problem], deps.archive, retainUntil, seal);
  const { head, appended, alreadyRecorded } = await appendToChain(
    chain,
    [
      {
        kind: 'rejected',
        event_id: rejectedEventId(envelope),
        ...userOf(envelope.payload),
        policy: { version: deps.policy.version, decision: 'pass', findings: [] },
        ...(envelope.submitter === undefined ? {} : { submitter: envelope.submitter }),
        body,
      },
    ],
    deps.ledger,
    now.toISOString(),
    deps.sealer,
  );
  await archiveChain(chain, head.seq, deps.ledger, deps.archive, retainUntil, appended);
  const record = appended[0];
  const where = record ?? alreadyRecorded.get(rejectedEventId(envelope));
  deps.log.error('record given up on after repeated failures; rejected and quarantined', {
    chain,
    request_id: envelope.request_id,
    quarantine_key: body.quarantine_key,
    error: errorMessage(error),
  });
  return {
    request_id: envelope.request_id,
    status: 'rejected',
    event_id: rejectedEventId(envelope),
    chain,
    ...(where === undefined ? {} : { seq: where.seq }),
  };
};

/** Records a chain's entries in rounds; throws when the chain cannot be written now. */
const runChain = async (
  chain: string,
  entries: readonly Entry[],
  deps: ProcessorDeps,
  settle: Settle,
): Promise<void> => {
  const now = deps.clock.now();
  const retainUntil = deps.retainUntil?.(now);
  // Rounds: an event id repeated with different content, or recorded by another writer
  // meanwhile, waits for the next round, which compares it with what was stored.
  const seal = deps.sealer?.quarantineSealer(chain, now.toISOString());
  let round = await prepare(entries, deps, retainUntil, seal);
  while (round.length > 0) {
    round = await processRound(chain, round, deps, now, retainUntil, settle, seal);
  }
};

/** Records one round of a chain's items; answers the ones left for the next round. */
const processRound = async (
  chain: string,
  items: readonly Item[],
  deps: ProcessorDeps,
  now: Date,
  retainUntil: Date | undefined,
  settle: (index: number, outcome: EnvelopeOutcome) => void,
  seal: QuarantineSeal | undefined,
): Promise<Item[]> => {
  const { fresh, later } = dedupeWithinBatch(items, chain, settle);
  const known = await deps.ledger.locate(fresh.map((i) => i.pending.event_id));
  const stored = await recordsAt(known, deps);
  // Layout v2 bodies are compared opened (a purged one cannot be, and counts as a duplicate).
  const opened = deps.sealer ? await openAll(stored, deps.sealer) : stored;
  const todo: Item[] = [];
  for (const item of fresh) {
    const where = known.get(item.pending.event_id);
    const previous = opened.get(item.pending.event_id);
    if (!where) todo.push(item);
    else if (previous && reusesEventId(previous, item.pending)) {
      todo.push(await conflictItem(item, previous, deps, retainUntil, seal));
    } else settle(item.index, duplicate(item, where.chain, where.seq));
  }
  const { head, appended, alreadyRecorded } = await appendToChain(
    chain,
    todo.map((i) => i.pending),
    deps.ledger,
    now.toISOString(),
    deps.sealer,
  );
  await archiveChain(chain, head.seq, deps.ledger, deps.archive, retainUntil, appended);
  const byEventId = new Map(appended.map((r) => [r.event_id, r]));
  for (const item of todo) {
    const record = byEventId.get(item.pending.event_id);
    const earlier = alreadyRecorded.get(item.pending.event_id);
    if (record) settle(item.index, recorded(item, record));
    // A rejected record's id names its request, so an earlier one holds the same content.
    else if (earlier && item.pending.kind === 'rejected') {
      settle(item.index, duplicate(item, earlier.chain, earlier.seq));
    } else if (earlier) later.push(item);
  }
  await publishAlerts([...appended, ...stored.values()], deps);
  return later.sort((a, b) => a.index - b.index);
};

/** Normalises and evaluates each envelope; malformed ones become `rejected` records. */
const prepare = async (
  entries: readonly { index: number; envelope: IntakeEnvelope }[],
  deps: ProcessorDeps,
  retainUntil: Date | undefined,
  seal: QuarantineSeal | undefined,
): Promise<Item[]> => {
  const items: Item[] = [];
  for (const { index, envelope } of entries) {
    const result = normalise(envelope);
    if (!result.ok) {
      const body = await quarantine(envelope, result.problems, deps.archive, retainUntil, seal);
      items.push({
        index,
        envelope,
        pending: {
          kind: 'rejected',
          event_id: rejectedEventId(envelope),
          ...userOf(envelope.payload),
          policy: { version: deps.policy.version, decision: 'pass', findings: [] },
          ...(envelope.submitter === undefined ? {} : { submitter: envelope.submitter }),
          body,
        },
      });
      continue;
    }
    const { event } = result;
    const evaluation = await deps.policy.evaluate(event);
    const { submitter } = envelope;
    items.push({
      index,
      envelope,
      pending: {
        kind: event.kind,
        // Unique per tenant, not globally: another tenant's evt_1 is another event.
        event_id: qualify(submitter?.tenant, event.event_id),
        ...(submitter === undefined ? {} : { submitter }),
        ...(event.occurred_at === undefined ? {} : { occurred_at: event.occurred_at }),
        policy: evaluation.result,
        ...(event.ref === undefined ? {} : { ref: event.ref }),
        ...(event.use_case === undefined ? {} : { use_case: event.use_case }),
        body: evaluation.body,
      },
    });
  }
  return resolveOutcomeRefs(items, deps);
};

/**
 * Points each outcome at its decision's chain and seq when the decision is on the record.
 * An outcome for a decision not (yet) recorded is kept all the same, with `ref.event_id`
 * only, and logged; the fairness review reports such outcomes.
 */
const resolveOutcomeRefs = async (items: Item[], deps: ProcessorDeps): Promise<Item[]> => {
  const decisionIds = items.flatMap((i) =>
    i.pending.kind === 'outcome' && i.pending.ref?.event_id !== undefined
      ? [i.pending.ref.event_id]
      : [],
  );
  if (decisionIds.length === 0) return items;
  const found = await deps.ledger.locate([...new Set(decisionIds)]);
  return items.map((item) => {
    const decisionId = item.pending.kind === 'outcome' ? item.pending.ref?.event_id : undefined;
    if (decisionId === undefined) return item;
    const where = found.get(decisionId);
    if (where === undefined) {
      deps.log.warn('outcome for a decision not on the record; kept', {
        event_id: item.pending.event_id,
        decision_id: decisionId,
      });
      return item;
    }
    return {
      ...item,
      pending: {
        ...item.pending,
        ref: { event_id: decisionId, chain: where.chain, seq: where.seq },
      },
    };
  });
};

/** The same event twice in one batch: the first is recorded, identical repeats are
 * duplicates, and a repeat with different content is left for the next round (where it is
 * compared with the stored record and becomes a `rejected` one, never dropped). */
const dedupeWithinBatch = (
  items: readonly Item[],
  chain: string,
  settle: (index: number, outcome: EnvelopeOutcome) => void,
): { fresh: Item[]; later: Item[] } => {
  const firsts = new Map<string, Item>();
  const fresh: Item[] = [];
  const later: Item[] = [];
  for (const item of items) {
    const first = firsts.get(item.pending.event_id);
    if (first === undefined) {
      firsts.set(item.pending.event_id, item);
      fresh.push(item);
    } else if (canonicalJson(first.pending.body) !== canonicalJson(item.pending.body)) {
      // Serialised only for repeats: the common batch has none.
      later.push(item);
    } else {
      settle(item.index, {
        request_id: item.envelope.request_id,
        status: 'duplicate',
        event_id: item.pending.event_id,
        chain,
      });
    }
  }
  return { fresh, later };
};

const recorded = (item: Item, record: LedgerRecord): EnvelopeOutcome => ({
  request_id: item.envelope.request_id,
  status: record.kind === 'rejected' ? 'rejected' : 'recorded',
  event_id: record.event_id,
  chain: record.chain,
  seq: record.seq,
});

const duplicate = (item: Item, chain: string, seq: number): EnvelopeOutcome => ({
  request_id: item.envelope.request_id,
  status: item.pending.kind === 'rejected' ? 'rejected' : 'duplicate',
  event_id: item.pending.event_id,
  chain,
  seq,
});

/** The stored records of events seen before. Their alerts are published again, since the
 * delivery that wrote them may have failed before its alerts went out (alerts are
 * at-least-once, keyed by event_id). */
const recordsAt = async (
  known: ReadonlyMap<string, EventLocation>,
  deps: ProcessorDeps,
): Promise<Map<string, LedgerRecord>> => {
  const records = await Promise.all(
    [...known.values()].map((where) => deps.ledger.get(where.chain, where.seq)),
  );
  return new Map(records.flatMap((r) => (r ? [[r.event_id, r] as const] : [])));
};

const openAll = async (
  records: ReadonlyMap<string, LedgerRecord>,
  sealer: NonNullable<ProcessorDeps['sealer']>,
): Promise<Map<string, LedgerRecord>> =>
  new Map(
    await Promise.all(
      [...records].map(async ([id, r]) => [id, await sealer.open(r)] as [string, LedgerRecord]),
    ),
  );

/** A client reused an event id for different content. Dropping it as a duplicate would
 * lose it silently, so it is recorded as rejected, with its bytes in quarantine. Purged
 * bodies cannot be compared and count as duplicates. */
const reusesEventId = (previous: LedgerRecord, pending: PendingRecord): boolean =>
  pending.kind !== 'rejected' &&
  previous.body !== undefined &&
  previous.body_salt !== undefined &&
  bodyHash(pending.body, previous.body_salt) !== previous.body_hash;

const conflictItem = async (
  item: Item,
  previous: LedgerRecord,
  deps: ProcessorDeps,
  retainUntil: Date | undefined,
  seal: QuarantineSeal | undefined,
): Promise<Item> => {
  const problem = {
    path: 'event_id',
    message: `event_id already recorded at ${previous.chain} seq ${previous.seq} with different content`,
  };
  const body = await quarantine(item.envelope, [problem], deps.archive, retainUntil, seal);
  return {
    ...item,
    pending: {
      kind: 'rejected',
      event_id: `conflict:${item.envelope.request_id}`,
      ...userOf(item.envelope.payload),
      policy: { version: deps.policy.version, decision: 'pass', findings: [] },
      ref: { event_id: previous.event_id, chain: previous.chain, seq: previous.seq },
      ...(item.pending.submitter === undefined ? {} : { submitter: item.pending.submitter }),
      body,
    },
  };
};

const publishAlerts = async (records: readonly LedgerRecord[], deps: ProcessorDeps) => {
  const alerts: PolicyViolationAlert[] = records
    .filter((r) => r.policy.decision !== 'pass')
    .map((r) => ({
      type: 'PolicyViolation',
      event_id: r.event_id,
      chain: r.chain,
      seq: r.seq,
      kind: r.kind,
      decision: r.policy.decision,
      policy_version: r.policy.version,
      findings: r.policy.findings,
      at: r.ingested_at,
    }));
  if (alerts.length > 0) await deps.alerts.publish(alerts);
};
