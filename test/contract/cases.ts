/**
 * The API contract as cases: each is sent, unchanged, to the local server and to the
 * deployed API (played in-process, aws-gateway.ts), and must get the same answer. `doc`
 * names the row of docs/API.md the case exercises (a route, or an error status), so the
 * documentation is checked against the cases (api-doc.test.ts).
 */
import { expect } from 'vitest';
import { devKeyEntry, keyDigest } from '#core/access/keys.ts';
import type { Role } from '#core/access/roles.ts';
import { ADMIN_CHAIN } from '#core/admin/admin-chain.ts';
import { API_ERRORS, type ApiErrorCode } from '#core/api/answer.ts';
import { NO_RECORD_MESSAGE } from '#core/api/lookup-event.ts';
import type { LedgerRecord } from '#core/chain/record.ts';
import type { StoredKey } from '#ports/key-store.ts';
import type { ContractRequest } from './runtime.ts';

export const API_KEY = 'contract-key-0123456789abcdef';
/** An ingest key for chains starting `loan`, and a reviewer key: both runtimes know them. */
export const INGEST_KEY = 'contract-ingest-key-0123456789';
export const REVIEWER_KEY = 'contract-reviewer-key-0123456789';
const keyEntry = (key: string, role: Role, chains: string[]): StoredKey => ({
  key_id: `key_${role}`,
  digest: keyDigest(key),
  tenant: 'default',
  role,
  chains,
  created_at: '2026-01-01T00:00:00Z',
});
/** Every key of the contract, as the key store holds them. */
export const CONTRACT_KEYS: readonly StoredKey[] = [
  devKeyEntry(API_KEY, '2026-01-01T00:00:00Z'),
  keyEntry(INGEST_KEY, 'ingest', ['loan']),
  keyEntry(REVIEWER_KEY, 'reviewer', ['*']),
];
const json = { 'content-type': 'application/json' };
const auth = { ...json, 'x-api-key': API_KEY };
const ingestAuth = { ...json, 'x-api-key': INGEST_KEY };
const reviewerAuth = { ...json, 'x-api-key': REVIEWER_KEY };

/** The one record the ledger holds. */
export const KNOWN_RECORD = {
  chain: 'loans',
  seq: 0,
  kind: 'decision',
  event_id: 'known-1',
  ingested_at: '2025-01-01T00:00:00.000Z',
  body_hash: 'a'.repeat(64),
  body: { decision_id: 'known-1', application_id: 'loans', output: { decision: 'approve' } },
  policy: { version: 'v', decision: 'pass', findings: [] },
  prev: '0'.repeat(64),
  hash: 'b'.repeat(64),
} as unknown as LedgerRecord;

const adminRecord = (seq: number, kind: string, eventId: string, body: unknown) =>
  ({
    chain: ADMIN_CHAIN,
    seq,
    kind,
    event_id: eventId,
    ingested_at: '2025-01-01T00:00:00.000Z',
    body_hash: 'c'.repeat(64),
    body,
    policy: { version: 'none', decision: 'pass', findings: [] },
    prev: seq === 0 ? '0'.repeat(64) : `${seq - 1}`.padStart(64, 'd'),
    hash: `${seq}`.padStart(64, 'd'),
  }) as unknown as LedgerRecord;

/** What the admin chain holds before the cases run: a hold, an erasure request and a
 * deployment pending approval. */
export const KNOWN_ADMIN_RECORDS: readonly LedgerRecord[] = [
  adminRecord(0, 'legal_hold', 'hold_known', {
    hold_id: 'hold_known',
    case_id: 'case-0',
    reason: 'audit',
    scope: { chain: 'loans' },
  }),
  adminRecord(1, 'erasure_request', 'er_known', {
    request_id: 'er_known',
    reason: 'request',
    event_ids: ['known-1'],
  }),
  adminRecord(2, 'deployment', 'dep_known', {
    action: 'deployment.record',
    deployment_id: 'dep_known',
    use_case: 'loans',
    model: { provider: 'acme', name: 'scorer', version: '1' },
    policy_version: 'p0',
  }),
];

/** A gate assessment as `audit-trail gate --json` prints it. */
export const KNOWN_ASSESSMENT = {
  action: 'assessment.record',
  assessment_id: 'asm_00000000-0000-4000-8000-000000000001',
  use_case: 'loans',
  candidate_sha256: 'e'.repeat(64),
  policy_version: 'p1',
  events: 3,
  decisions: { pass: 3 },
  counts: {},
  limits: {},
  exceeded: [],
  failed_checks: 0,
  verdict: 'go',
};

/** A fairness report as the review run archives it (its JSON only). */
export const KNOWN_REPORT = {
  id: 'f'.repeat(64),
  key: `reviews/fairness/loans/2025-01-06/${'f'.repeat(64)}.json`,
  report: {
    use_case: 'loans',
    window: { from: '2024-12-30T00:00:00.000Z', to: '2025-01-06T00:00:00.000Z' },
    generated_at: '2025-01-06T06:00:00.000Z',
    decisions: 0,
    attributes: [],
  },
};

export interface ContractCase {
  readonly name: string;
  /** The docs/API.md row: a route (`POST /v1/logs`) or an error status (`401`). */
  readonly doc: string;
  readonly request: ContractRequest;
  readonly status: number;
  /** The error code of a refusal (also checked in the body). */
  readonly error?: ApiErrorCode;
  /** The whole answer body (asymmetric matchers allowed). */
  readonly body: unknown;
  /** Headers the answer must carry (besides a JSON content type). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Route and payload of each envelope the case puts on the stream. */
  readonly published?: readonly { readonly route: string; readonly payload: unknown }[];
}

const post = (path: string, body: unknown, headers: Record<string, string> = auth) => ({
  method: 'POST',
  path,
  headers,
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

const event = (id: string) => ({
  event_id: id,
  application_id: 'loans',
  decision_id: undefined,
  output: { decision: 'approve', reason: 'score above threshold' },
});

const outcomeOf = (decisionId: string) => ({
  event_id: `out-${decisionId}`,
  decision_id: decisionId,
  outcome: 'repaid',
  observed_at: '2026-12-01T00:00:00Z',
  application_id: 'loans',
});

const refusal = (error: keyof typeof API_ERRORS, message: unknown = API_ERRORS[error].message) => ({
  error,
  message,
});
const withProblems = (error: keyof typeof API_ERRORS) => ({
  ...refusal(error, expect.any(String)),
  problems: expect.arrayContaining([
    expect.objectContaining({ path: expect.any(String), message: expect.any(String) }),
  ]),
});

export const CONTRACT_CASES: readonly ContractCase[] = [
  ...(
    [
      ['audit_event', '/v1/audit/events'],
      ['decision_log', '/v1/logs/decisions'],
      ['log', '/v1/logs'],
    ] as const
  ).map(
    ([route, path]): ContractCase => ({
      name: `accepts one event on ${path}`,
      doc: `POST ${path}`,
      request: post(path, event(`${route}-1`)),
      status: 202,
      body: { event_id: `${route}-1`, chain: 'loans', status: 'accepted' },
      published: [{ route, payload: JSON.parse(JSON.stringify(event(`${route}-1`))) }],
    }),
  ),
  {
    name: 'accepts an outcome, named by its own event_id, not its decision_id',
    doc: 'POST /v1/outcomes',
    request: post('/v1/outcomes', outcomeOf('dec-1')),
    status: 202,
    body: { event_id: 'out-dec-1', chain: 'loans', status: 'accepted' },
    published: [{ route: 'outcome', payload: outcomeOf('dec-1') }],
  },
  {
    name: 'takes the key as Authorization: Bearer too',
    doc: 'POST /v1/logs',
    request: post('/v1/logs', event('bearer-1'), { ...json, authorization: `Bearer ${API_KEY}` }),
    status: 202,
    body: { event_id: 'bearer-1', chain: 'loans', status: 'accepted' },
    published: [{ route: 'log', payload: JSON.parse(JSON.stringify(event('bearer-1'))) }],
  },
  {
    name: 'accepts a batch, answering each item in order',
    doc: 'POST /v1/events:batch',
    request: post('/v1/events:batch', { events: [event('b-0'), event('b-1')] }),
    status: 202,
    body: {
      results: [
        expect.objectContaining({ index: 0, status: 'accepted' }),
        expect.objectContaining({ index: 1, status: 'accepted' }),
      ],
    },
    published: [
      { route: 'batch', payload: JSON.parse(JSON.stringify(event('b-0'))) },
      { route: 'batch', payload: JSON.parse(JSON.stringify(event('b-1'))) },
    ],
  },
  {
    name: 'answers a recorded event with {record, view}, redacted by default',
    doc: 'GET /v1/events/{event_id}',
    request: { method: 'GET', path: '/v1/events/known-1', headers: auth },
    status: 200,
    body: { record: KNOWN_RECORD, view: 'redacted' },
  },
  {
    name: 'searches a chain, newest first',
    doc: 'GET /v1/events',
    request: { method: 'GET', path: '/v1/events?chain=loans&limit=10', headers: reviewerAuth },
    status: 200,
    body: { records: [KNOWN_RECORD], view: 'redacted' },
  },
  {
    name: 'answers a subject with no records with an empty page',
    doc: 'GET /v1/subjects/{user_id}/events',
    request: { method: 'GET', path: '/v1/subjects/u-404/events', headers: reviewerAuth },
    status: 200,
    body: { records: [], view: 'redacted' },
  },
  {
    name: 'lists the review queue',
    doc: 'GET /v1/reviews',
    request: { method: 'GET', path: '/v1/reviews?status=pending', headers: reviewerAuth },
    status: 200,
    body: { items: [] },
  },
  {
    name: 'answers a review with the record, its findings and verdicts',
    doc: 'GET /v1/reviews/{event_id}',
    request: { method: 'GET', path: '/v1/reviews/known-1', headers: reviewerAuth },
    status: 200,
    body: {
      record: KNOWN_RECORD,
      findings: [],
      queue: null,
      verdicts: [],
      proof: null,
      proof_unavailable:
        'record 0 of chain loans is not covered by a signed checkpoint yet (it has none); try again after the next checkpoint',
    },
  },
  {
    name: 'refuses a verdict on an event with no record',
    doc: '404',
    request: post('/v1/reviews/unknown-1', { verdict: 'approve', note: 'ok' }, reviewerAuth),
    status: 404,
    error: 'not_found',
    body: refusal('not_found', expect.any(String)),
  },
  {
    name: 'refuses a verdict that is none of the four',
    doc: '400',
    request: post('/v1/reviews/known-1', { verdict: 'maybe' }, reviewerAuth),
    status: 400,
    error: 'invalid_request',
    body: withProblems('invalid_request'),
  },
  {
    name: 'refuses a search with an unknown parameter',
    doc: '400',
    request: { method: 'GET', path: '/v1/events?user=u-1', headers: reviewerAuth },
    status: 400,
    error: 'invalid_request',
    body: withProblems('invalid_request'),
  },
  {
    name: 'answers 404 {error, message} for an event with no record',
    doc: '404',
    request: { method: 'GET', path: '/v1/events/unknown-1', headers: auth },
    status: 404,
    error: 'not_found',
    body: refusal('not_found', NO_RECORD_MESSAGE),
  },
  {
    name: 'evaluates a guardrail call and chains it',
    doc: 'POST /v1/guardrails/evaluate',
    request: post('/v1/guardrails/evaluate', {
      text: 'hello there',
      direction: 'input',
      event_id: 'g-1',
    }),
    status: 200,
    body: {
      decision: 'pass',
      findings: [],
      checks: expect.arrayContaining([expect.objectContaining({ status: 'ran' })]),
      redacted_text: 'hello there',
      policy_version: expect.any(String),
      event_id: 'g-1',
    },
    published: [
      {
        route: 'guardrail',
        payload: expect.objectContaining({ text: 'hello there', event_id: 'g-1' }),
      },
    ],
  },
  {
    name: 'records a GenAI span of an OTLP/JSON export and ignores the other span',
    doc: 'POST /v1/traces',
    request: post('/v1/traces', {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'loans' } }] },
          scopeSpans: [
            {
              spans: [
                {
                  traceId: '5b8efff798038103d269b633813fc60c',
                  spanId: 'eee19b7ec3c1b174',
                  name: 'chat gpt-4o',
                  attributes: [
                    { key: 'gen_ai.operation.name', value: { stringValue: 'chat' } },
                    { key: 'gen_ai.completion', value: { stringValue: 'approved' } },
                  ],
                },
                {
                  traceId: '5b8efff798038103d269b633813fc60c',
                  spanId: 'eee19b7ec3c1b175',
                  name: 'GET /',
                },
              ],
            },
          ],
        },
      ],
    }),
    status: 200,
    body: {
      partialSuccess: {
        rejectedSpans: 0,
        errorMessage: '1 spans without gen_ai.* attributes ignored',
      },
      accepted_spans: 1,
      ignored_spans: 1,
      rejected_spans: 0,
      event_ids: ['otel:5b8efff798038103d269b633813fc60c:eee19b7ec3c1b174'],
    },
    published: [
      {
        route: 'otlp',
        payload: expect.objectContaining({
          event_id: 'otel:5b8efff798038103d269b633813fc60c:eee19b7ec3c1b174',
          application_id: 'loans',
          output: { content: 'approved' },
        }),
      },
    ],
  },
  {
    name: 'refuses a guardrail call with problems',
    doc: '400',
    request: post('/v1/guardrails/evaluate', { text: 'x', direction: 'sideways' }),
    status: 400,
    error: 'invalid_request',
    body: withProblems('invalid_request'),
  },
  {
    name: 'refuses a request without a key',
    doc: '401',
    request: post('/v1/logs', event('nokey-1'), json),
    status: 401,
    error: 'unauthorized',
    body: refusal('unauthorized'),
    headers: { 'www-authenticate': 'Bearer' },
  },
  {
    name: 'accepts an ingest key inside its chains',
    doc: 'POST /v1/audit/events',
    request: post('/v1/audit/events', event('scoped-1'), ingestAuth),
    status: 202,
    body: { event_id: 'scoped-1', chain: 'loans', status: 'accepted' },
    published: [{ route: 'audit_event', payload: JSON.parse(JSON.stringify(event('scoped-1'))) }],
  },
  {
    name: 'refuses an ingest key a chain outside its scope',
    doc: '403',
    request: post(
      '/v1/audit/events',
      { ...event('scoped-2'), application_id: 'cards' },
      ingestAuth,
    ),
    status: 403,
    error: 'forbidden',
    body: refusal('forbidden', 'this key may not write to chain cards'),
  },
  {
    name: "refuses a whole batch when one item is outside the key's chains",
    doc: '403',
    request: post(
      '/v1/events:batch',
      { events: [event('scoped-3'), { ...event('scoped-4'), application_id: 'cards' }] },
      ingestAuth,
    ),
    status: 403,
    error: 'forbidden',
    body: refusal('forbidden', 'this key may not write to chain cards'),
  },
  {
    name: "refuses any key the product's own chains",
    doc: '403',
    request: post('/v1/logs', { ...event('scoped-5'), application_id: '_access' }),
    status: 403,
    error: 'forbidden',
    body: refusal('forbidden', 'chain _access is reserved (names starting with _)'),
  },
  {
    name: 'refuses an ingest key every read',
    doc: '403',
    request: { method: 'GET', path: '/v1/events/known-1', headers: ingestAuth },
    status: 403,
    error: 'forbidden',
    body: refusal('forbidden'),
  },
  {
    name: 'refuses a reviewer key every write',
    doc: '403',
    request: post('/v1/audit/events', event('rev-1'), reviewerAuth),
    status: 403,
    error: 'forbidden',
    body: refusal('forbidden'),
  },
  {
    name: 'refuses a reviewer key the OTLP route',
    doc: '403',
    request: post('/v1/traces', { resourceSpans: [] }, reviewerAuth),
    status: 403,
    error: 'forbidden',
    body: refusal('forbidden'),
  },
  {
    name: 'refuses an unknown key',
    doc: '401',
    request: { method: 'GET', path: '/v1/events/known-1', headers: { 'x-api-key': 'nope' } },
    status: 401,
    error: 'unauthorized',
    body: refusal('unauthorized'),
  },
  {
    name: 'answers 404 for an unknown route',
    doc: '404',
    request: post('/v1/nothing-here', event('x'), auth),
    status: 404,
    error: 'not_found',
    body: refusal('not_found'),
  },
  {
    name: 'answers 405 with Allow for a method the route does not take',
    doc: '405',
    request: { method: 'GET', path: '/v1/logs', headers: auth },
    status: 405,
    error: 'method_not_allowed',
    body: refusal('method_not_allowed', 'use POST'),
    headers: { allow: 'POST' },
  },
  {
    name: 'refuses a body that is not JSON',
    doc: '400',
    request: post('/v1/audit/events', '{"event_id": '),
    status: 400,
    error: 'invalid_request',
    body: withProblems('invalid_request'),
  },
  {
    name: 'refuses an event that breaks the schema',
    doc: '400',
    request: post('/v1/audit/events', ['not', 'an', 'object']),
    status: 400,
    error: 'invalid_request',
    body: withProblems('invalid_request'),
  },
  {
    name: 'refuses a body that is not application/json',
    doc: '415',
    request: post('/v1/logs', JSON.stringify(event('text-1')), {
      'content-type': 'text/plain',
      'x-api-key': API_KEY,
    }),
    status: 415,
    error: 'unsupported_media_type',
    body: expect.objectContaining(refusal('unsupported_media_type')),
  },
  {
    name: 'refuses an event over 1 MiB',
    doc: '413',
    request: post('/v1/logs', { ...event('big-1'), padding: 'x'.repeat(1_100_000) }),
    status: 413,
    error: 'payload_too_large',
    body: expect.objectContaining(refusal('payload_too_large', expect.any(String))),
  },
  // Last: it appends a review record, which the review case above must not see yet.
  {
    name: 'records a verdict as a review record on the event chain',
    doc: 'POST /v1/reviews/{event_id}',
    request: post('/v1/reviews/known-1', { verdict: 'approve', note: 'checked' }, reviewerAuth),
    status: 201,
    body: expect.objectContaining({
      verdict: expect.objectContaining({ verdict: 'approve' }),
    }),
  },
  // Governance, change governance and reports (issues 7, 17, 10, 15): last, since they
  // append to the admin chain, in the order a user would call them.
  {
    name: 'places a legal hold, keeping a subject id rather than the user id',
    doc: 'POST /v1/legal-holds',
    request: post('/v1/legal-holds', {
      scope: { chain: 'loans', user_id: 'u-7' },
      case_id: 'case-1',
      reason: 'litigation',
    }),
    status: 201,
    body: {
      hold_id: expect.stringMatching(/^hold_/),
      case_id: 'case-1',
      reason: 'litigation',
      scope: { chain: 'loans', subject: expect.stringMatching(/^u:[0-9a-f]{40}$/) },
      created_at: expect.any(String),
      record: { chain: ADMIN_CHAIN, seq: KNOWN_ADMIN_RECORDS.length },
    },
  },
  {
    name: 'lists the legal holds',
    doc: 'GET /v1/legal-holds',
    request: { method: 'GET', path: '/v1/legal-holds', headers: reviewerAuth },
    status: 200,
    body: {
      holds: [
        expect.objectContaining({ hold_id: 'hold_known', case_id: 'case-0' }),
        expect.objectContaining({ case_id: 'case-1' }),
      ],
    },
  },
  {
    name: 'releases a legal hold',
    doc: 'DELETE /v1/legal-holds/{hold_id}',
    request: { method: 'DELETE', path: '/v1/legal-holds/hold_known', headers: auth },
    status: 200,
    body: expect.objectContaining({ hold_id: 'hold_known', released_at: expect.any(String) }),
  },
  {
    name: 'refuses to release a legal hold that does not exist',
    doc: '404',
    request: { method: 'DELETE', path: '/v1/legal-holds/hold_nothing', headers: auth },
    status: 404,
    error: 'not_found',
    body: refusal('not_found', 'no such legal hold'),
  },
  {
    name: 'refuses a reviewer key a legal hold',
    doc: '403',
    request: post(
      '/v1/legal-holds',
      { scope: { chain: 'loans' }, case_id: 'c', reason: 'r' },
      reviewerAuth,
    ),
    status: 403,
    error: 'forbidden',
    body: refusal('forbidden'),
  },
  {
    name: 'accepts an erasure request, pending until the purge runs',
    doc: 'POST /v1/erasure-requests',
    request: post('/v1/erasure-requests', { user_id: 'u-9', reason: 'GDPR Art. 17' }),
    status: 202,
    body: expect.objectContaining({
      request_id: expect.stringMatching(/^er_/),
      subject: expect.stringMatching(/^u:[0-9a-f]{40}$/),
      status: 'pending',
      erased: 0,
      held: 0,
      runs: [],
    }),
  },
  {
    name: 'refuses an erasure request naming nobody',
    doc: '400',
    request: post('/v1/erasure-requests', { reason: 'no subject' }),
    status: 400,
    error: 'invalid_request',
    body: refusal('invalid_request', 'send exactly one of user_id and event_ids'),
  },
  {
    name: 'lists the erasure requests',
    doc: 'GET /v1/erasure-requests',
    request: { method: 'GET', path: '/v1/erasure-requests', headers: reviewerAuth },
    status: 200,
    body: {
      requests: [
        expect.objectContaining({ request_id: 'er_known', status: 'pending' }),
        expect.objectContaining({ status: 'pending' }),
      ],
    },
  },
  {
    name: 'answers what an erasure request came to',
    doc: 'GET /v1/erasure-requests/{request_id}',
    request: { method: 'GET', path: '/v1/erasure-requests/er_known', headers: reviewerAuth },
    status: 200,
    body: expect.objectContaining({ request_id: 'er_known', status: 'pending', erased: 0 }),
  },
  {
    name: 'records a deployment, pending approval',
    doc: 'POST /v1/deployments',
    request: post('/v1/deployments', {
      use_case: 'loans',
      model: { provider: 'acme', name: 'scorer', version: '2' },
      policy_version: 'p1',
    }),
    status: 201,
    body: {
      deployment_id: expect.stringMatching(/^dep_/),
      status: 'pending_approval',
      deployment: expect.objectContaining({ use_case: 'loans', policy_version: 'p1' }),
    },
  },
  {
    name: 'approves a deployment',
    doc: 'POST /v1/deployments/{deployment_id}/approvals',
    request: post('/v1/deployments/dep_known/approvals', { decision: 'approve', note: 'ok' }),
    status: 201,
    body: {
      deployment_id: 'dep_known',
      status: 'approved',
      deployment: expect.objectContaining({ status: 'approved', note: 'ok' }),
    },
  },
  {
    name: 'refuses a second decision on a deployment',
    doc: '400',
    request: post('/v1/deployments/dep_known/approvals', { decision: 'reject', note: 'no' }),
    status: 400,
    error: 'invalid_request',
    body: refusal('invalid_request', 'deployment dep_known is already approved'),
  },
  {
    name: 'refuses a reviewer key an approval',
    doc: '403',
    request: post(
      '/v1/deployments/dep_known/approvals',
      { decision: 'approve', note: 'x' },
      reviewerAuth,
    ),
    status: 403,
    error: 'forbidden',
    body: refusal('forbidden'),
  },
  {
    name: 'answers which deployment was active at an instant',
    doc: 'GET /v1/deployments',
    request: {
      method: 'GET',
      path: '/v1/deployments?use_case=loans&at=2999-01-01T00:00:00Z',
      headers: reviewerAuth,
    },
    status: 200,
    body: {
      use_case: 'loans',
      at: '2999-01-01T00:00:00.000Z',
      active: expect.objectContaining({ deployment_id: 'dep_known', status: 'approved' }),
    },
  },
  {
    name: 'records a gate assessment',
    doc: 'POST /v1/assessments',
    request: post('/v1/assessments', KNOWN_ASSESSMENT),
    status: 201,
    body: {
      assessment_id: KNOWN_ASSESSMENT.assessment_id,
      verdict: 'go',
      record: { chain: ADMIN_CHAIN, seq: expect.any(Number) },
    },
  },
  {
    name: 'lists the admin chain, newest first',
    doc: 'GET /v1/admin-events',
    request: { method: 'GET', path: '/v1/admin-events?action=deployment.', headers: auth },
    status: 200,
    body: {
      events: expect.arrayContaining([
        expect.objectContaining({ action: 'deployment.record', target: 'dep_known', seq: 2 }),
      ]),
      next_cursor: null,
    },
  },
  {
    name: 'refuses a reviewer key the admin chain',
    doc: '403',
    request: { method: 'GET', path: '/v1/admin-events', headers: reviewerAuth },
    status: 403,
    error: 'forbidden',
    body: refusal('forbidden'),
  },
  {
    name: 'answers the published checkpoint keys',
    doc: 'GET /v1/checkpoints/keys',
    request: { method: 'GET', path: '/v1/checkpoints/keys', headers: reviewerAuth },
    status: 200,
    body: { keys: [] },
  },
  {
    name: 'lists the fairness reports',
    doc: 'GET /v1/reports/fairness',
    request: { method: 'GET', path: '/v1/reports/fairness', headers: reviewerAuth },
    status: 200,
    body: {
      reports: [expect.objectContaining({ report_id: KNOWN_REPORT.id, use_case: 'loans' })],
    },
  },
  {
    name: 'answers one fairness report',
    doc: 'GET /v1/reports/fairness/{report_id}',
    request: {
      method: 'GET',
      path: `/v1/reports/fairness/${KNOWN_REPORT.id}`,
      headers: reviewerAuth,
    },
    status: 200,
    body: {
      item: expect.objectContaining({ report_id: KNOWN_REPORT.id }),
      report: KNOWN_REPORT.report,
      html: null,
    },
  },
  {
    name: 'answers the evidence package of a period',
    doc: 'GET /v1/reports/evidence',
    request: {
      method: 'GET',
      path: '/v1/reports/evidence?from=2025-01-01T00:00:00Z&to=2025-02-01T00:00:00Z',
      headers: auth,
    },
    status: 200,
    body: expect.objectContaining({
      format: 'audit-trail-evidence/v1',
      query: { from: '2025-01-01T00:00:00.000Z', to: '2025-02-01T00:00:00.000Z' },
    }),
  },
  {
    name: 'refuses a reviewer key the evidence package',
    doc: '403',
    request: {
      method: 'GET',
      path: '/v1/reports/evidence?from=2025-01-01T00:00:00Z&to=2025-02-01T00:00:00Z',
      headers: reviewerAuth,
    },
    status: 403,
    error: 'forbidden',
    body: refusal('forbidden'),
  },
];
