import { qualify, unqualify } from '#core/access/tenant.ts';
import type { Finding, LedgerRecord } from '#core/chain/record.ts';
import type { Problem } from '#core/events/problem.ts';
import { appendRecords } from '#core/pipeline/append-records.ts';
import { userIdOf } from '#core/retention/subjects.ts';
import {
  ESCALATION_REVIEW,
  type QueueEntry,
  queueEntryOf,
  SEVERITIES,
} from '#core/reviews/queue.ts';
import {
  REVIEW_STATUSES,
  type ReviewStatus,
  statusAfter,
  VERDICTS,
  type Verdict,
  type VerdictBody,
  verdictBody,
} from '#core/reviews/verdict.ts';
import { TERM, term } from '#core/search/terms.ts';
import type { ProofFile } from '#core/verify/proof.ts';
import { InvalidCursorError } from '#ports/record-search.ts';
import type { Caller, QueryDeps } from './deps.ts';
import { badQuery, notFound } from './errors.ts';
import { findEvent } from './get-event.ts';
import { recordsOf } from './read-records.ts';
import { redactRecord } from './redact-record.ts';
import { scopeFilter } from './scope.ts';
import { checkKnown, pageParams, type QueryParams } from './search-params.ts';

/** One queued event as the queue lists it. */
export interface QueueItem {
  readonly event_id: string;
  readonly chain: string;
  readonly seq: number;
  readonly kind: string;
  readonly ingested_at: string;
  readonly policy_decision: string;
  readonly severity: QueueEntry['severity'];
  readonly reasons: QueueEntry['reasons'];
  readonly tags: readonly string[];
  readonly status: ReviewStatus;
  readonly latest_verdict?: VerdictBody;
  readonly assignee?: string;
}

/** Verdict records on one event, oldest first (append-only: every verdict is kept). */
const verdictsOn = async (
  caller: Caller,
  event: LedgerRecord,
  deps: QueryDeps,
): Promise<LedgerRecord[]> => {
  const page = await deps.ledger.search({
    all: [term(TERM.tenant, caller.principal.tenant), term(TERM.ref, event.event_id)],
    any: VERDICTS.map((v) => term(TERM.verdict, v)),
    limit: 1000,
  });
  return (await recordsOf(page, deps)).reverse();
};

const itemOf = (
  record: LedgerRecord,
  entry: QueueEntry,
  verdicts: readonly LedgerRecord[],
): QueueItem => {
  const bodies = verdicts.map((v) => v.body as VerdictBody);
  const status = statusAfter(bodies.map((b) => b.verdict));
  const latest = bodies.at(-1);
  const assignee = bodies.findLast((b) => b.assignee !== undefined)?.assignee;
  const tags =
    status === 'escalated' && !entry.tags.includes(ESCALATION_REVIEW)
      ? [...entry.tags, ESCALATION_REVIEW]
      : entry.tags;
  return {
    event_id: unqualify(record.event_id).name,
    chain: record.chain,
    seq: record.seq,
    kind: record.kind,
    ingested_at: record.ingested_at,
    policy_decision: record.policy.decision,
    severity: entry.severity,
    reasons: entry.reasons,
    tags,
    status,
    ...(latest === undefined ? {} : { latest_verdict: latest }),
    ...(assignee === undefined ? {} : { assignee }),
  };
};

/** `GET /v1/reviews?status=pending&severity=&use_case=&cursor=&limit=`: queued events,
 * newest first, with their status after the latest verdict (`status=all` for every one). */
export const listReviews = async (
  caller: Caller,
  params: QueryParams,
  deps: QueryDeps,
): Promise<{ items: QueueItem[]; next_cursor?: string }> => {
  const problems = checkKnown(params, ['status', 'severity', 'use_case']);
  const status = params.status ?? 'pending';
  if (status !== 'all' && !(REVIEW_STATUSES as readonly string[]).includes(status)) {
    problems.push({
      path: 'status',
      message: 'unknown status',
      expected: `${REVIEW_STATUSES.join(', ')}, all`,
      received: status,
    });
  }
  if (
    params.severity !== undefined &&
    !(SEVERITIES as readonly string[]).includes(params.severity)
  ) {
    problems.push({
      path: 'severity',
      message: 'unknown severity',
      expected: SEVERITIES.join(', '),
      received: params.severity,
    });
  }
  const { limit, cursor: start } = pageParams(params, problems);
  if (problems.length > 0) throw badQuery(problems);
  const { tenantTerm, chainPrefixes } = scopeFilter(caller.principal);
  const all = [tenantTerm, term(TERM.queued, '1')];
  if (params.severity !== undefined) all.push(term(TERM.severity, params.severity));
  if (params.use_case !== undefined) all.push(term(TERM.useCase, params.use_case));
  const items: QueueItem[] = [];
  let cursor = start;
  // Candidates come from the index; the status filter drops reviewed ones, so pages of
  // candidates are read until this page is full. The cursor is the last candidate read.
  do {
    let page: Awaited<ReturnType<typeof deps.ledger.search>>;
    try {
      page = await deps.ledger.search({
        all,
        limit: limit - items.length,
        ...(cursor === undefined ? {} : { cursor }),
        ...(chainPrefixes === undefined ? {} : { chainPrefixes }),
      });
    } catch (error) {
      if (!(error instanceof InvalidCursorError)) throw error;
      throw badQuery([{ path: 'cursor', message: error.message }]);
    }
    for (const record of await recordsOf(page, deps)) {
      const entry = queueEntryOf(record);
      if (entry === undefined) continue;
      const item = itemOf(record, entry, await verdictsOn(caller, record, deps));
      if (status === 'all' || item.status === status) items.push(item);
    }
    cursor = page.cursor;
  } while (cursor !== undefined && items.length < limit);
  return { items, ...(cursor === undefined ? {} : { next_cursor: cursor }) };
};

/** `GET /v1/reviews/{event_id}`: the record (redacted), its findings, its verdicts and an
 * inclusion proof against the latest checkpoint (null until a checkpoint covers it). */
export const getReview = async (caller: Caller, eventId: string, deps: QueryDeps) => {
  const record = await findEvent(caller, eventId, deps);
  const entry = queueEntryOf(record);
  const verdicts = await verdictsOn(caller, record, deps);
  let proof: ProofFile | null = null;
  let proofNote: string | undefined;
  if (deps.prove === undefined) proofNote = 'proofs are not available on this runtime';
  else {
    try {
      proof = await deps.prove(record);
    } catch (error) {
      proofNote = error instanceof Error ? error.message : String(error);
    }
  }
  const findings: readonly Finding[] = record.policy.findings;
  return {
    record: redactRecord(record),
    findings,
    queue: entry === undefined ? null : itemOf(record, entry, verdicts),
    verdicts: verdicts.map((v) => ({
      chain: v.chain,
      seq: v.seq,
      event_id: v.event_id,
      ...(v.body as VerdictBody),
    })),
    proof,
    ...(proofNote === undefined ? {} : { proof_unavailable: proofNote }),
  };
};

/** The body of `POST /v1/reviews/{event_id}`, checked. */
const parseVerdict = (body: unknown): { verdict: Verdict; note?: string; assignee?: string } => {
  const problems: Problem[] = [];
  const input = (
    typeof body === 'object' && body !== null && !Array.isArray(body) ? body : {}
  ) as Record<string, unknown>;
  const { verdict, note, assignee, ...extra } = input;
  if (!(VERDICTS as readonly unknown[]).includes(verdict)) {
    problems.push({
      path: 'verdict',
      message: 'not a verdict',
      expected: VERDICTS.join(' | '),
      received: JSON.stringify(verdict) ?? 'missing',
    });
  }
  for (const [name, value] of [
    ['note', note],
    ['assignee', assignee],
  ] as const) {
    if (value !== undefined && (typeof value !== 'string' || value.length > 4000)) {
      problems.push({
        path: name,
        message: 'not a text',
        expected: 'a string of at most 4000 characters',
      });
    }
  }
  for (const name of Object.keys(extra))
    problems.push({ path: name, message: 'unknown field', expected: 'verdict, note, assignee' });
  if (problems.length > 0) throw badQuery(problems);
  return {
    verdict: verdict as Verdict,
    ...(note === undefined ? {} : { note: note as string }),
    ...(assignee === undefined ? {} : { assignee: assignee as string }),
  };
};

const userOf = (body: unknown): { user_id?: string } => {
  const user = userIdOf(body);
  return user === undefined ? {} : { user_id: user };
};

/**
 * `POST /v1/reviews/{event_id}` `{verdict, note?, assignee?}`: a `review` record on the
 * event's chain pointing at it (ref). Append-only: a second verdict is another record, and
 * the queue shows the latest.
 */
export const postReview = async (
  caller: Caller,
  eventId: string,
  body: unknown,
  deps: QueryDeps,
) => {
  const input = parseVerdict(body);
  const record = await findEvent(caller, eventId, deps);
  if (record.kind !== 'inference' && record.kind !== 'decision')
    throw notFound('event with this id');
  const { principal } = caller;
  const verdict = verdictBody(input, principal, deps.clock.now().toISOString());
  const result = await appendRecords(
    record.chain,
    [
      {
        kind: 'review',
        event_id: qualify(principal.tenant, `review:${caller.requestId}`),
        policy: { version: 'none', decision: 'pass', findings: [] },
        ref: { event_id: record.event_id, chain: record.chain, seq: record.seq },
        submitter: { key_id: principal.key_id, tenant: principal.tenant },
        body: verdict,
        // Sealed (when deps.sealer) under the reviewed event's subject: an erasure of that
        // user reaches the reviewer's note too.
        ...userOf(record.body),
      },
    ],
    deps,
  );
  const written = result.appended[0];
  const verdicts = await verdictsOn(caller, record, deps);
  const bodies = verdicts.map((v) => v.body as VerdictBody);
  return {
    review:
      written === undefined
        ? null
        : { event_id: written.event_id, chain: written.chain, seq: written.seq },
    status: statusAfter(bodies.map((b) => b.verdict)),
    verdict,
  };
};
