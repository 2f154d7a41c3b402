import { hash } from 'node:crypto';
import { unqualify } from '#core/access/tenant.ts';
import type { LedgerRecord, RecordRef } from '#core/chain/record.ts';
import { applicationOf } from '#core/events/lanes.ts';
import { useCaseOf } from '#core/events/use-case.ts';
import { queueEntryOf } from '#core/reviews/queue.ts';
import { isVerdictRecord, type VerdictBody } from '#core/reviews/verdict.ts';

/**
 * Search terms: `<field>:<value>` strings a ledger indexes each record under, so a search
 * is an intersection of posting lists, never a scan. One function, so the file ledger and
 * the DynamoDB attributes index the same things.
 */
export const TERM = {
  tenant: 'tn',
  chain: 'ch',
  kind: 'k',
  policyDecision: 'pd',
  decision: 'd',
  useCase: 'uc',
  user: 'u',
  session: 's',
  transaction: 'tx',
  /** Records pointing at an event (reviews, conflicts), by the event's stored id. */
  ref: 'ref',
  /** In the review queue, and with which severity. */
  queued: 'q',
  severity: 'sev',
  /** A person's verdict `review` record. */
  verdict: 'rv',
  /** The data subject a layout v2 body is sealed under (`body_enc.s`, a keyed hash of the
   * user id, never the id): what a legal hold by user names, so the records it covers are
   * found through the index instead of by reading chains whole. */
  subject: 'sj',
} as const;

/** Values longer than this are not indexed (ids and names are short). */
const MAX_VALUE = 256;

/** Terms made recently, by field then value: most recur in every record of a chain (tenant,
 * chain, kind, decision, use case) or batch after batch (users), and a digest per term and
 * record cost ingest CPU. Looked up without building the hash input (a joined string key
 * cost more than half the digest it saved). Bounded and in memory only, as the subject-id
 * cache (values pass through memory with every body anyway); never written anywhere. */
const REMEMBERED_TERMS = 10_000;
const remembered = new Map<string, Map<string, string>>();
let rememberedCount = 0;

/**
 * A term: the field and a digest of the value, never the value itself. Terms are stored
 * beside the records (the local ledger's frames), and values are personal data (user,
 * session, transaction ids): a digest keeps an erased customer's ids out of every file
 * while the same value still finds the same posting list. Unkeyed, so a guessed id can be
 * confirmed by whoever holds the files; it cannot be read back.
 */
export const term = (field: string, value: string): string => {
  const found = remembered.get(field)?.get(value);
  if (found !== undefined) return found;
  const made = `${field}:${hash('sha256', `audit-trail/search-term\0${field}\0${value}`, 'hex').slice(0, 32)}`;
  if (rememberedCount >= REMEMBERED_TERMS) {
    remembered.clear();
    rememberedCount = 0;
  }
  let byValue = remembered.get(field);
  if (byValue === undefined) {
    byValue = new Map();
    remembered.set(field, byValue);
  }
  byValue.set(value, made);
  rememberedCount += 1;
  return made;
};

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The first string (or number) at any of the paths. */
const firstAt = (root: unknown, paths: readonly (readonly string[])[]): string | undefined => {
  for (const path of paths) {
    let v: unknown = root;
    for (const key of path) v = isRecord(v) ? v[key] : undefined;
    if (typeof v === 'string' && v !== '') return v;
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  }
  return undefined;
};

const USER = [
  ['user_id'],
  ['user', 'id'],
  ['metadata', 'user_id'],
  ['customer_id'],
  ['subject_id'],
];
const SESSION = [['session_id'], ['metadata', 'session_id'], ['session', 'id']];
const TRANSACTION = [
  ['transaction_id'],
  ['metadata', 'transaction_id'],
  ['inputs', 'transaction_id'],
];
const DECISION = [['output', 'decision'], ['decision'], ['output', 'action']];

/** The subject (data subject) of an event body, as `user_id` search and exports use it. */
export const userIdOf = (body: unknown): string | undefined => firstAt(body, USER);

/** Every term a record is indexed under. */
/** Terms of records whose bodies were sealed (layout v2) before they reached the ledger,
 * taken from the plain body just before sealing: the ledger that indexes them only ever
 * sees ciphertext. In memory and per object, so nothing outlives the write. */
const CARRIED: unique symbol = Symbol('terms before sealing');

/** Keeps on `sealed` (a record whose body is encrypted) the terms of its plain `body`. On
 * the record under a symbol, not enumerable (JSON, keys and spreads never see it), rather
 * than in a WeakMap: an entry per ingested record cost measurable GC time (issue 7). */
export const carryTerms = (sealed: LedgerRecord, body: unknown): LedgerRecord => {
  const { chain, kind, policy, ref } = sealed;
  const terms = plainTerms({ chain, kind, policy, ref, body });
  addSubjectTerm(terms, sealed);
  Object.defineProperty(sealed, CARRIED, { value: terms });
  return sealed;
};

/** A chain's terms: a lane `app~2` is found as its application `app` (first: the chain
 * index key, so one query reads every lane) and as itself. */
export const chainTerms = (chain: string): string[] => {
  const app = applicationOf(chain);
  return app === chain
    ? [term(TERM.chain, chain)]
    : [term(TERM.chain, app), term(TERM.chain, chain)];
};

/** The subject term of a user's subject id (`u:` + 40 hex of a keyed hash; a record's own
 * `rec:` or quarantine `q:` subject names nobody a hold could name, so it is not indexed).
 * The id is already a digest, keyed, so its first 32 hex digits are the term as they stand:
 * no second hash per ingested record. */
export const subjectTerm = (subject: string): string | undefined =>
  /^u:[0-9a-f]{32}/.test(subject) ? `${TERM.subject}:${subject.slice(2, 34)}` : undefined;

const addSubjectTerm = (terms: string[], record: LedgerRecord): void => {
  const subject = record.body_enc?.s;
  const found = typeof subject === 'string' ? subjectTerm(subject) : undefined;
  if (found !== undefined) terms.push(found);
};

export const termsOf = (record: LedgerRecord): string[] => {
  const carried = (record as { [CARRIED]?: string[] })[CARRIED];
  if (carried !== undefined) return carried;
  const terms = plainTerms(record);
  addSubjectTerm(terms, record);
  return terms;
};

/** What the terms of a record are read from (its body in plaintext). */
type TermSource = Pick<LedgerRecord, 'chain' | 'kind' | 'policy' | 'body'> & {
  readonly ref?: RecordRef | undefined;
};

/** The terms of a record but its subject's. */
const plainTerms = (record: TermSource): string[] => {
  const terms = [
    term(TERM.tenant, unqualify(record.chain).tenant),
    ...chainTerms(record.chain),
    term(TERM.kind, record.kind),
    term(TERM.policyDecision, record.policy.decision),
  ];
  const add = (field: string, value: string | undefined) => {
    if (value !== undefined && value.length <= MAX_VALUE) terms.push(term(field, value));
  };
  const { body } = record;
  if (record.kind === 'inference' || record.kind === 'decision') {
    add(TERM.decision, firstAt(body, DECISION));
    add(TERM.useCase, useCaseOf(body));
    add(TERM.user, userIdOf(body));
    add(TERM.session, firstAt(body, SESSION));
    add(TERM.transaction, firstAt(body, TRANSACTION));
    const queued = queueEntryOf(record);
    if (queued !== undefined) {
      terms.push(term(TERM.queued, '1'), term(TERM.severity, queued.severity));
    }
  }
  add(TERM.ref, record.ref?.event_id);
  if (isVerdictRecord(record)) add(TERM.verdict, (body as VerdictBody).verdict);
  return terms;
};
