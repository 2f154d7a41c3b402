/**
 * Lanes on both runtimes: a hot application (`hot-…`, 4 lanes) spread over `<key>~<lane>`
 * by its event id, on every ingest route; a cold one untouched; search's `chain=` of the
 * application reading every lane. Played by contract.test.ts against the local server and
 * the synthesized API with lanesPerChain set.
 */
import { expect } from 'vitest';
import type { LedgerRecord } from '#core/chain/record.ts';
import { laneOf } from '#core/events/lanes.ts';
import { API_KEY, KNOWN_RECORD } from './cases.ts';
import type { ContractRequest } from './runtime.ts';

export const LANES_PER_CHAIN = { 'hot-': 4 };
const lane = (eventId: string): string => String(laneOf(eventId, 4));
const auth = { 'content-type': 'application/json', 'x-api-key': API_KEY };
const post = (path: string, body: unknown): ContractRequest => ({
  method: 'POST',
  path,
  headers: auth,
  body: JSON.stringify(body),
});
const get = (path: string): ContractRequest => ({ method: 'GET', path, headers: auth });
const hot = (id: string) => ({
  event_id: id,
  application_id: 'hot-app',
  output: { content: 'ok' },
});

const laneRecord = (chain: string, eventId: string): LedgerRecord =>
  ({
    ...KNOWN_RECORD,
    chain,
    event_id: eventId,
    body: { application_id: 'hot-app' },
  }) as LedgerRecord;
/** Records already in two lanes of `hot-app`. */
export const LANE_RECORDS = [
  laneRecord('hot-app~1', 'in-lane-1'),
  laneRecord('hot-app~3', 'in-lane-3'),
];

export interface LaneCase {
  readonly name: string;
  readonly request: ContractRequest;
  readonly status: number;
  readonly body: unknown;
  /** Route and lane of each envelope put on the stream. */
  readonly lanes?: readonly { readonly route: string; readonly lane?: string }[];
}

const batchIds = ['hb-0', 'hb-1', 'hb-2', 'hb-3', 'hb-4', 'hb-5'];

export const LANE_CASES: readonly LaneCase[] = [
  {
    name: 'puts a hot application event on the lane of its event id, and answers that chain',
    request: post('/v1/audit/events', hot('lane-evt-1')),
    status: 202,
    body: { event_id: 'lane-evt-1', chain: `hot-app~${lane('lane-evt-1')}`, status: 'accepted' },
    lanes: [{ route: 'audit_event', lane: lane('lane-evt-1') }],
  },
  {
    name: 'puts a retry of the same event on the same lane (another request id)',
    request: post('/v1/logs', hot('lane-evt-1')),
    status: 202,
    body: { event_id: 'lane-evt-1', chain: `hot-app~${lane('lane-evt-1')}`, status: 'accepted' },
    lanes: [{ route: 'log', lane: lane('lane-evt-1') }],
  },
  {
    name: 'leaves an application outside the lanes prefix on its plain chain',
    request: post('/v1/logs', { ...hot('cold-1'), application_id: 'loans' }),
    status: 202,
    body: { event_id: 'cold-1', chain: 'loans', status: 'accepted' },
    lanes: [{ route: 'log' }],
  },
  {
    name: 'spreads the items of a batch over lanes by their event ids',
    request: post('/v1/events:batch', { events: batchIds.map(hot) }),
    status: 202,
    body: {
      results: batchIds.map((_, index) => expect.objectContaining({ index, status: 'accepted' })),
    },
    lanes: batchIds.map((id) => ({ route: 'batch', lane: lane(id) })),
  },
  {
    name: 'puts a guardrail call of a hot application on the lane of its event id',
    request: post('/v1/guardrails/evaluate', {
      text: 'hello there',
      direction: 'input',
      application: 'hot-app',
      event_id: 'g-lane-7',
    }),
    status: 200,
    body: expect.objectContaining({ decision: 'pass', event_id: 'g-lane-7' }),
    lanes: [{ route: 'guardrail', lane: lane('g-lane-7') }],
  },
  {
    name: 'searches an application across its lanes',
    request: get('/v1/events?chain=hot-app&limit=10'),
    status: 200,
    body: { records: [LANE_RECORDS[1], LANE_RECORDS[0]], view: 'redacted' },
  },
  {
    name: 'searches one lane alone',
    request: get('/v1/events?chain=hot-app~3&limit=10'),
    status: 200,
    body: { records: [LANE_RECORDS[1]], view: 'redacted' },
  },
  {
    name: "does not take an application's name prefix as the application",
    request: get('/v1/events?chain=hot&limit=10'),
    status: 200,
    body: { records: [], view: 'redacted' },
  },
];
