/**
 * The legal-hold and erasure-request routes as route answers, for both runtimes: the local
 * server binds them, and on AWS the `govern_records` route Lambda (handlers/governance.ts)
 * answers the writes and the read route Lambda (handlers/query.ts) the reads.
 */
import { submitterOf } from '#core/access/roles.ts';
import {
  deleteLegalHold,
  type GovernanceApiDeps,
  type GovernanceReadDeps,
  getErasureRequest,
  listErasureRequests,
  listLegalHolds,
  postErasureRequest,
  postLegalHold,
} from '#core/retention/governance-api.ts';
import { jsonBody, type RouteAnswer, type RouteInput } from './route-input.ts';

/** Governance requests are small: a scope, a case id, a reason. */
const LIMIT = 256 * 1024;

const actorOf = ({ principal }: RouteInput) =>
  principal === undefined ? undefined : submitterOf(principal);

/** `POST /v1/legal-holds`, `DELETE /v1/legal-holds/{hold_id}`, `POST /v1/erasure-requests`
 * (permission `govern_records`): they append to the admin chain. */
export const governanceWriteAnswers = (deps: GovernanceApiDeps) => ({
  post_legal_hold: (async (input) =>
    postLegalHold(await jsonBody(input, LIMIT), deps, actorOf(input))) satisfies RouteAnswer,
  delete_legal_hold: (async (input) =>
    deleteLegalHold(input.params.hold_id ?? '', deps, actorOf(input))) satisfies RouteAnswer,
  post_erasure_request: (async (input) =>
    postErasureRequest(await jsonBody(input, LIMIT), deps, actorOf(input))) satisfies RouteAnswer,
});

/** The governance reads (permission `read_events`): they read the admin chain only. */
export const governanceReadAnswers = (deps: GovernanceReadDeps) => ({
  list_legal_holds: (async () => listLegalHolds(deps)) satisfies RouteAnswer,
  list_erasure_requests: (async () => listErasureRequests(deps)) satisfies RouteAnswer,
  get_erasure_request: (async ({ params }) =>
    getErasureRequest(params.request_id ?? '', deps)) satisfies RouteAnswer,
});
