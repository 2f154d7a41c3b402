/**
 * Legal holds and erasure requests: records on the governance chain (GOVERNANCE_CHAIN),
 * appended with appendRecords like every record the product writes itself. Their bodies
 * hold no personal data: a user id is kept only as its subject id (a keyed hash), so the
 * governance chain is stored in plaintext and auditors can read which holds applied.
 */
import { randomUUID } from 'node:crypto';
import type { Submitter } from '#core/access/roles.ts';
import { type ChainReducer, followChain } from '#core/admin/follow-chain.ts';
import type { LedgerRecord, PolicyResult } from '#core/chain/record.ts';
import { applicationOf } from '#core/events/lanes.ts';
import { appendRecords, type RecordWriterDeps, unsealed } from '#core/pipeline/append-records.ts';
import type { ObjectHoldsPort } from '#ports/object-holds.ts';
import { syncObjectHolds } from './object-holds.ts';
import type { SubjectIds } from './subjects.ts';

/** The chain that holds legal holds, their releases, erasure requests and purge summaries:
 * the admin chain (core/admin/admin-chain.ts), where every administrative action is a
 * record. Its name is kept so chains written before keep verifying where they are. */
export const GOVERNANCE_CHAIN = '_governance';

/** The submitter field of an admin record by `actor` (absent when nobody is known). */
const by = (actor: Submitter | undefined) => (actor === undefined ? {} : { submitter: actor });

const NO_POLICY: PolicyResult = { version: 'none', decision: 'pass', findings: [] };

/** What a hold covers; every given field must match (an empty scope is refused). */
export interface HoldScope {
  readonly chain?: string;
  readonly event_ids?: readonly string[];
  /** Subject id (never the user id itself). */
  readonly subject?: string;
  /** ISO timestamps bounding ingested_at, inclusive. */
  readonly from?: string;
  readonly to?: string;
}

export interface HoldBody {
  readonly hold_id: string;
  readonly case_id: string;
  readonly reason: string;
  readonly scope: HoldScope;
}

export interface ErasureBody {
  readonly request_id: string;
  readonly reason: string;
  readonly subject?: string;
  readonly event_ids?: readonly string[];
}

/** A purge summary on the governance chain: what each run did for each request and hold. */
export interface PurgeSummaryBody {
  readonly run_id: string;
  readonly at: string;
  readonly purged: number;
  readonly by_rule: Readonly<Record<string, number>>;
  readonly requests: Readonly<Record<string, { erased: number; held: number }>>;
  /** Bodies due for purge that a hold kept, by hold id: the recorded refusal. */
  readonly held: Readonly<Record<string, number>>;
  readonly receipts: readonly { chain: string; seq: number }[];
}

export interface Hold extends HoldBody {
  readonly created_at: string;
  readonly released_at?: string;
  readonly record: { readonly chain: string; readonly seq: number };
}

export interface ErasureRequest extends ErasureBody {
  readonly created_at: string;
  readonly record: { readonly chain: string; readonly seq: number };
}

export interface GovernanceState {
  readonly holds: Map<string, Hold>;
  readonly erasures: Map<string, ErasureRequest>;
  readonly summaries: { readonly seq: number; readonly body: PurgeSummaryBody }[];
}

/** Raised for a hold or erasure request the API must refuse (400/404). */
export class GovernanceInputError extends Error {
  override readonly name = 'GovernanceInputError';
}

/** The governance state, kept current by applying the governance chain's records in order
 * (a ChainReducer: `followGovernance` and `readGovernance` share it). */
export const createGovernanceView = (): GovernanceState & ChainReducer => {
  const holds = new Map<string, Hold>();
  const erasures = new Map<string, ErasureRequest>();
  const summaries: { seq: number; body: PurgeSummaryBody }[] = [];
  const apply = (r: LedgerRecord): void => {
    const at = { chain: r.chain, seq: r.seq };
    if (r.kind === 'legal_hold') {
      holds.set(r.event_id, { ...(r.body as HoldBody), created_at: r.ingested_at, record: at });
    } else if (r.kind === 'legal_hold_release') {
      const id = r.ref?.event_id;
      const hold = id === undefined ? undefined : holds.get(id);
      if (id !== undefined && hold) holds.set(id, { ...hold, released_at: r.ingested_at });
    } else if (r.kind === 'erasure_request') {
      erasures.set(r.event_id, {
        ...(r.body as ErasureBody),
        created_at: r.ingested_at,
        record: at,
      });
    } else if (r.kind === 'purge') {
      summaries.push({ seq: r.seq, body: r.body as PurgeSummaryBody });
    }
  };
  return { holds, erasures, summaries, apply };
};

/** The governance state of a long-lived process (a warm Lambda, the local server): each
 * call reads only the governance records appended since the call before, and answers a
 * copy (holds, erasures and summaries, no record read), so a purge run or a request keeps
 * the state it started from while another request moves the view on. */
export const followGovernance = (
  ledger: RecordWriterDeps['ledger'],
): (() => Promise<GovernanceState>) => {
  const follow = followChain(ledger, GOVERNANCE_CHAIN, createGovernanceView());
  return async () => {
    const { holds, erasures, summaries } = await follow();
    return { holds: new Map(holds), erasures: new Map(erasures), summaries: [...summaries] };
  };
};

/** Reads the governance chain whole (a one-shot process: the CLI). */
export const readGovernance = (ledger: RecordWriterDeps['ledger']): Promise<GovernanceState> =>
  followGovernance(ledger)();

/** Where the governance reads come from: `governanceState` (a follower, see
 * followGovernance) when the process keeps one, else the chain read whole. */
export interface GovernanceSource {
  readonly ledger: RecordWriterDeps['ledger'];
  readonly governanceState?: () => Promise<GovernanceState>;
}

/** The governance state as `deps` read it. */
export const governanceOf = (deps: GovernanceSource): Promise<GovernanceState> =>
  deps.governanceState?.() ?? readGovernance(deps.ledger);

/** Whether a hold scoped to `scoped` covers `chain`: the chain itself, or one of its lanes
 * (a hold on an application holds all of it, as search and verify treat it as one). */
export const chainCovered = (scoped: string | undefined, chain: string): boolean =>
  scoped === undefined || scoped === chain || scoped === applicationOf(chain);

/** Whether an active hold covers a record (`subject` from its sealed body). */
export const holdCovers = (
  scope: HoldScope,
  record: Pick<LedgerRecord, 'chain' | 'event_id' | 'ingested_at'>,
  subject: string | undefined,
): boolean =>
  chainCovered(scope.chain, record.chain) &&
  (scope.event_ids === undefined || scope.event_ids.includes(record.event_id)) &&
  (scope.subject === undefined || scope.subject === subject) &&
  (scope.from === undefined || record.ingested_at >= scope.from) &&
  (scope.to === undefined || record.ingested_at <= scope.to);

/** Input of `POST /v1/legal-holds`. */
export interface HoldInput {
  readonly scope: {
    readonly chain?: string;
    readonly event_ids?: readonly string[];
    readonly user_id?: string;
    readonly from?: string;
    readonly to?: string;
  };
  readonly case_id: string;
  readonly reason: string;
}

const isIso = (text: unknown): text is string =>
  typeof text === 'string' && !Number.isNaN(Date.parse(text));

const text = (value: unknown, field: string): string => {
  if (typeof value !== 'string' || value.trim() === '' || value.length > 1024) {
    throw new GovernanceInputError(`${field} must be a non-empty string (at most 1024 characters)`);
  }
  return value;
};

const eventIds = (value: unknown, field: string): string[] => {
  if (!Array.isArray(value) || value.length === 0 || value.length > 10_000) {
    throw new GovernanceInputError(`${field} must be a non-empty array of event ids`);
  }
  return value.map((id, i) => text(id, `${field}[${i}]`));
};

/** Checks a hold request. Throws GovernanceInputError. */
export const parseHoldInput = (raw: unknown): HoldInput => {
  const input = (raw ?? {}) as Record<string, unknown>;
  const scope = (input.scope ?? {}) as Record<string, unknown>;
  if (typeof scope !== 'object' || Object.keys(scope).length === 0) {
    throw new GovernanceInputError('scope must name chain, event_ids, user_id or from/to');
  }
  for (const key of Object.keys(scope)) {
    if (!['chain', 'event_ids', 'user_id', 'from', 'to'].includes(key)) {
      throw new GovernanceInputError(`scope.${key} is not a scope field`);
    }
  }
  for (const key of ['from', 'to'] as const) {
    if (scope[key] !== undefined && !isIso(scope[key])) {
      throw new GovernanceInputError(`scope.${key} must be an ISO 8601 timestamp`);
    }
  }
  return {
    scope: {
      ...(scope.chain === undefined ? {} : { chain: text(scope.chain, 'scope.chain') }),
      ...(scope.event_ids === undefined
        ? {}
        : { event_ids: eventIds(scope.event_ids, 'scope.event_ids') }),
      ...(scope.user_id === undefined ? {} : { user_id: text(scope.user_id, 'scope.user_id') }),
      ...(scope.from === undefined ? {} : { from: new Date(scope.from as string).toISOString() }),
      ...(scope.to === undefined ? {} : { to: new Date(scope.to as string).toISOString() }),
    },
    case_id: text(input.case_id, 'case_id'),
    reason: text(input.reason, 'reason'),
  };
};

/** Input of `POST /v1/erasure-requests`. */
export interface ErasureInput {
  readonly user_id?: string;
  readonly event_ids?: readonly string[];
  readonly reason: string;
}

/** Checks an erasure request. Throws GovernanceInputError. */
export const parseErasureInput = (raw: unknown): ErasureInput => {
  const input = (raw ?? {}) as Record<string, unknown>;
  if ((input.user_id === undefined) === (input.event_ids === undefined)) {
    throw new GovernanceInputError('send exactly one of user_id and event_ids');
  }
  return {
    ...(input.user_id === undefined ? {} : { user_id: text(input.user_id, 'user_id') }),
    ...(input.event_ids === undefined ? {} : { event_ids: eventIds(input.event_ids, 'event_ids') }),
    reason: text(input.reason, 'reason'),
  };
};

export interface GovernanceDeps extends RecordWriterDeps, GovernanceSource {
  readonly subjects: SubjectIds;
  /** Object legal holds, set when a hold is placed and cleared when released. */
  readonly objectHolds?: ObjectHoldsPort;
}

/** Brings the object legal holds up to what the governance chain now says. */
const syncObjects = async (deps: GovernanceDeps): Promise<void> => {
  if (deps.objectHolds === undefined) return;
  await syncObjectHolds(await governanceOf(deps), {
    ...deps,
    objectHolds: deps.objectHolds,
  });
};

/** Records a legal hold; answers the hold. */
export const createHold = async (
  input: HoldInput,
  deps: GovernanceDeps,
  actor?: Submitter,
): Promise<Hold> => {
  const { user_id, ...rest } = input.scope;
  const body: HoldBody = {
    hold_id: `hold_${randomUUID()}`,
    case_id: input.case_id,
    reason: input.reason,
    scope: { ...rest, ...(user_id === undefined ? {} : { subject: deps.subjects.of(user_id) }) },
  };
  const { appended } = await appendRecords(
    GOVERNANCE_CHAIN,
    [{ kind: 'legal_hold', event_id: body.hold_id, policy: NO_POLICY, ...by(actor), body }],
    unsealed(deps),
  );
  const r = appended[0] as LedgerRecord;
  await syncObjects(deps);
  return { ...body, created_at: r.ingested_at, record: { chain: r.chain, seq: r.seq } };
};

/** Records the release of a hold; undefined when there is no such active hold. */
export const releaseHold = async (
  holdId: string,
  deps: GovernanceDeps,
  actor?: Submitter,
): Promise<Hold | undefined> => {
  const hold = (await governanceOf(deps)).holds.get(holdId);
  if (hold === undefined) return undefined;
  if (hold.released_at !== undefined) return hold;
  const { appended } = await appendRecords(
    GOVERNANCE_CHAIN,
    [
      {
        kind: 'legal_hold_release',
        event_id: `release:${holdId}`,
        policy: NO_POLICY,
        ...by(actor),
        ref: { event_id: holdId, chain: hold.record.chain, seq: hold.record.seq },
        body: { hold_id: holdId },
      },
    ],
    unsealed(deps),
  );
  await syncObjects(deps);
  return { ...hold, released_at: appended[0]?.ingested_at ?? deps.clock.now().toISOString() };
};

/** Records an erasure request; the purge carries it out. */
export const requestErasure = async (
  input: ErasureInput,
  deps: GovernanceDeps,
  actor?: Submitter,
): Promise<ErasureRequest> => {
  const body: ErasureBody = {
    request_id: `er_${randomUUID()}`,
    reason: input.reason,
    ...(input.user_id === undefined ? {} : { subject: deps.subjects.of(input.user_id) }),
    ...(input.event_ids === undefined ? {} : { event_ids: input.event_ids }),
  };
  const { appended } = await appendRecords(
    GOVERNANCE_CHAIN,
    [{ kind: 'erasure_request', event_id: body.request_id, policy: NO_POLICY, ...by(actor), body }],
    unsealed(deps),
  );
  const r = appended[0] as LedgerRecord;
  return { ...body, created_at: r.ingested_at, record: { chain: r.chain, seq: r.seq } };
};

/** What an erasure request came to: bodies erased and kept by holds, per purge run. */
export const erasureStatus = (
  state: GovernanceState,
  requestId: string,
):
  | (ErasureRequest & {
      status: 'pending' | 'completed';
      erased: number;
      held: number;
      runs: string[];
    })
  | undefined => {
  const request = state.erasures.get(requestId);
  if (request === undefined) return undefined;
  let erased = 0;
  let held = 0;
  const runs: string[] = [];
  for (const { body } of state.summaries) {
    const counts = body.requests[requestId];
    if (counts === undefined) continue;
    erased += counts.erased;
    held = counts.held;
    runs.push(body.run_id);
  }
  return { ...request, status: runs.length > 0 ? 'completed' : 'pending', erased, held, runs };
};
