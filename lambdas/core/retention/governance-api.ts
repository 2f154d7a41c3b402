/**
 * The governance routes' answers, built once for every runtime: `POST/GET /v1/legal-holds`,
 * `DELETE /v1/legal-holds/{id}`, `POST /v1/erasure-requests`, `GET /v1/erasure-requests/{id}`.
 */
import type { Submitter } from '#core/access/roles.ts';
import {
  createHold,
  erasureStatus,
  type GovernanceDeps,
  GovernanceInputError,
  governanceOf,
  parseErasureInput,
  parseHoldInput,
  releaseHold,
  requestErasure,
} from './governance.ts';

export interface GovernanceAnswer {
  readonly status: number;
  readonly body: unknown;
}

export interface GovernanceApiDeps extends GovernanceDeps {
  /** Runs after an erasure request is recorded (locally: the purge, at once). */
  readonly afterErasure?: () => Promise<unknown>;
}

/** What the governance reads need: the admin chain (and its follower, when kept). */
export type GovernanceReadDeps = Pick<GovernanceDeps, 'ledger' | 'governanceState'>;

const refused = (error: unknown): GovernanceAnswer => {
  if (error instanceof GovernanceInputError) {
    return { status: 400, body: { error: 'invalid_request', message: error.message } };
  }
  throw error;
};

const notFound = (what: string): GovernanceAnswer => ({
  status: 404,
  body: { error: 'not_found', message: `no such ${what}` },
});

export const postLegalHold = async (
  raw: unknown,
  deps: GovernanceApiDeps,
  actor?: Submitter,
): Promise<GovernanceAnswer> => {
  try {
    return { status: 201, body: await createHold(parseHoldInput(raw), deps, actor) };
  } catch (error) {
    return refused(error);
  }
};

export const listLegalHolds = async (deps: GovernanceReadDeps): Promise<GovernanceAnswer> => ({
  status: 200,
  body: { holds: [...(await governanceOf(deps)).holds.values()] },
});

export const deleteLegalHold = async (
  holdId: string,
  deps: GovernanceApiDeps,
  actor?: Submitter,
): Promise<GovernanceAnswer> => {
  const hold = await releaseHold(holdId, deps, actor);
  return hold === undefined ? notFound('legal hold') : { status: 200, body: hold };
};

export const postErasureRequest = async (
  raw: unknown,
  deps: GovernanceApiDeps,
  actor?: Submitter,
): Promise<GovernanceAnswer> => {
  let request: Awaited<ReturnType<typeof requestErasure>>;
  try {
    request = await requestErasure(parseErasureInput(raw), deps, actor);
  } catch (error) {
    return refused(error);
  }
  await deps.afterErasure?.();
  const status = erasureStatus(await governanceOf(deps), request.request_id);
  return { status: 202, body: status ?? request };
};

export const getErasureRequest = async (
  requestId: string,
  deps: GovernanceReadDeps,
): Promise<GovernanceAnswer> => {
  const status = erasureStatus(await governanceOf(deps), requestId);
  return status === undefined ? notFound('erasure request') : { status: 200, body: status };
};

export const listErasureRequests = async (deps: GovernanceReadDeps): Promise<GovernanceAnswer> => {
  const state = await governanceOf(deps);
  return {
    status: 200,
    body: { requests: [...state.erasures.keys()].map((id) => erasureStatus(state, id)) },
  };
};
