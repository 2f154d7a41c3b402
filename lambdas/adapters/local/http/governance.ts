import {
  deleteLegalHold,
  type GovernanceApiDeps,
  getErasureRequest,
  listErasureRequests,
  listLegalHolds,
  postErasureRequest,
  postLegalHold,
} from '#core/retention/governance-api.ts';
import type { Handler } from './handler.ts';
import { readJson } from './read-json.ts';

/** Governance requests are small: a scope, a case id, a reason. */
const LIMIT = 256 * 1024;

/** The governance routes' handlers: JSON in, the core's answer out. */
export const governanceHandlers = (deps: GovernanceApiDeps) => {
  const postHold: Handler = async ({ req }) => postLegalHold(await readJson(req, LIMIT), deps);
  const listHolds: Handler = async () => listLegalHolds(deps);
  const deleteHold: Handler = async ({ params }) => deleteLegalHold(params.hold_id ?? '', deps);
  const postErasure: Handler = async ({ req }) =>
    postErasureRequest(await readJson(req, LIMIT), deps);
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
