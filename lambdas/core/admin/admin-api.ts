/**
 * The change-governance routes' answers, built once for every runtime:
 * `POST /v1/deployments`, `GET /v1/deployments`, `POST /v1/deployments/{id}/approvals`,
 * `POST /v1/assessments` and `GET /v1/admin-events`.
 */
import { DEFAULT_TENANT, type Submitter } from '#core/access/roles.ts';
import { type ApiAnswer, errorAnswer } from '#core/api/answer.ts';
import { type AdminEventsQuery, listAdminEvents } from './admin-events.ts';
import {
  type DeploymentDeps,
  DeploymentInputError,
  DeploymentNotFoundError,
  decideDeployment,
  parseApprovalInput,
  parseDeploymentInput,
  recordDeployment,
} from './deployments.ts';
import { GateInputError, parseAssessment, recordAssessment } from './gate.ts';

export type AdminApiDeps = DeploymentDeps;

/**
 * The admin chain, the deployments and the model check are the install's, not a tenant's:
 * keys of other tenants are refused (403) rather than shown or allowed to govern the
 * default tenant's use cases. Undefined when the caller may go on.
 */
export const otherTenantRefusal = (tenant: string | undefined): ApiAnswer | undefined =>
  tenant === undefined || tenant === DEFAULT_TENANT
    ? undefined
    : errorAnswer(
        'forbidden',
        `deployments and the admin chain belong to the ${DEFAULT_TENANT} tenant`,
      );

const refused = (error: unknown): ApiAnswer => {
  if (error instanceof DeploymentInputError || error instanceof GateInputError) {
    return errorAnswer('invalid_request', error.message);
  }
  if (error instanceof DeploymentNotFoundError) return errorAnswer('not_found', error.message);
  throw error;
};

export const postDeployment = async (
  raw: unknown,
  actor: Submitter | undefined,
  deps: AdminApiDeps,
): Promise<ApiAnswer> => {
  try {
    const d = await recordDeployment(parseDeploymentInput(raw), actor, deps);
    return {
      status: 201,
      body: { deployment_id: d.deployment_id, status: d.status, deployment: d },
    };
  } catch (error) {
    return refused(error);
  }
};

export const postApproval = async (
  deploymentId: string,
  raw: unknown,
  actor: Submitter | undefined,
  deps: AdminApiDeps,
): Promise<ApiAnswer> => {
  try {
    const d = await decideDeployment(deploymentId, parseApprovalInput(raw), actor, deps);
    return {
      status: 201,
      body: { deployment_id: d.deployment_id, status: d.status, deployment: d },
    };
  } catch (error) {
    return refused(error);
  }
};

/** `?use_case=&at=`: with `at`, the deployment active then (or null); else the list. */
export const listDeployments = (
  query: Readonly<Record<string, string | undefined>>,
  deps: AdminApiDeps,
): ApiAnswer => {
  const useCase = query.use_case;
  if (query.at !== undefined) {
    if (useCase === undefined) return errorAnswer('invalid_request', 'at needs use_case');
    const at = Date.parse(query.at);
    if (Number.isNaN(at)) return errorAnswer('invalid_request', 'at must be an ISO 8601 time');
    return {
      status: 200,
      body: {
        use_case: useCase,
        at: new Date(at).toISOString(),
        active: deps.deployments.activeAt(useCase, at) ?? null,
      },
    };
  }
  return { status: 200, body: { deployments: deps.deployments.list(useCase) } };
};

export const postAssessment = async (
  raw: unknown,
  actor: Submitter | undefined,
  deps: AdminApiDeps,
): Promise<ApiAnswer> => {
  try {
    const assessment = parseAssessment(raw);
    const record = await recordAssessment(assessment, actor, deps);
    return {
      status: 201,
      body: {
        assessment_id: assessment.assessment_id,
        verdict: assessment.verdict,
        ...(record === undefined ? {} : { record: { chain: record.chain, seq: record.seq } }),
      },
    };
  } catch (error) {
    return refused(error);
  }
};

export const getAdminEvents = async (
  query: Readonly<Record<string, string | undefined>>,
  deps: AdminApiDeps & { readonly beforeList?: () => Promise<unknown> },
): Promise<ApiAnswer> => {
  const parsed: AdminEventsQuery = {
    ...(query.action === undefined ? {} : { action: query.action }),
    ...(query.cursor === undefined ? {} : { before: Number(query.cursor) }),
    ...(query.limit === undefined ? {} : { limit: Number(query.limit) }),
  };
  if (
    (parsed.before !== undefined && !Number.isInteger(parsed.before)) ||
    (parsed.limit !== undefined && !Number.isInteger(parsed.limit))
  ) {
    return errorAnswer('invalid_request', 'cursor and limit must be integers');
  }
  await deps.beforeList?.();
  return { status: 200, body: await listAdminEvents(parsed, deps) };
};
