import { submitterOf } from '#core/access/roles.ts';
import {
  deleteLegalHold,
  type GovernanceApiDeps,
  getErasureRequest,
  listErasureRequests,
  listLegalHolds,
  postErasureRequest,
  postLegalHold,
} from '#core/retention/governance-api.ts';
import type { Handler, RequestContext } from './handler.ts';
import { readJson } from './read-json.ts';

/** Governance requests are small: a scope, a case id, a reason. */
const LIMIT = 256 * 1024;

/** The governance routes' handlers: JSON in, the core's answer out. */
const actorOf = ({ principal }: RequestContext) =>
  principal === undefined ? undefined : submitterOf(principal);

export const governanceHandlers = (deps: GovernanceApiDeps) => {
  const postHold: Handler = async (ctx) =>
    postLegalHold(await readJson(ctx.req, LIMIT), deps, actorOf(ctx));
  const listHolds: Handler = async () => listLegalHolds(deps);
  const deleteHold: Handler = async (ctx) =>
    deleteLegalHold(ctx.params.hold_id ?? '', deps, actorOf(ctx));
  const postErasure: Handler = async (ctx) =>
    postErasureRequest(await readJson(ctx.req, LIMIT), deps, actorOf(ctx));
  const getErasure: Handler = async ({ params }) =>
    getErasureRequest(params.request_id ?? '', deps);
  const listErasures: Handler = async () => listErasureRequests(deps);
  return {
    post_legal_hold: postHold,
    list_legal_holds: listHolds,
    delete_legal_hold: deleteHold,
    post_erasure_request: postErasure,
    get_erasure_request: getErasure,
    list_erasure_requests: listErasures,
  };
};
