import { submitterOf } from '#core/access/roles.ts';
import {
  type AdminApiDeps,
  getAdminEvents,
  listDeployments,
  otherTenantRefusal,
  postApproval,
  postAssessment,
  postDeployment,
} from '#core/admin/admin-api.ts';
import type { Handler, RequestContext } from './handler.ts';
import { readJson } from './read-json.ts';

/** Deployment, approval and assessment requests are small documents. */
const LIMIT = 256 * 1024;

const actorOf = ({ principal }: RequestContext) =>
  principal === undefined ? undefined : submitterOf(principal);

/** The change-governance routes' handlers: JSON in, the core's answer out. */
export const adminHandlers = (
  deps: AdminApiDeps & { readonly beforeList?: () => Promise<unknown> },
) => {
  /** Refuses other tenants' keys before `handle` reads anything. */
  const ofTheInstall =
    (handle: Handler): Handler =>
    async (ctx) =>
      otherTenantRefusal(ctx.principal?.tenant) ?? handle(ctx);
  const postDeploymentRoute = ofTheInstall(async (ctx) =>
    postDeployment(await readJson(ctx.req, LIMIT), actorOf(ctx), deps),
  );
  const listDeploymentsRoute = ofTheInstall(async (ctx) => listDeployments(ctx.query, deps));
  const postApprovalRoute = ofTheInstall(async (ctx) =>
    postApproval(
      ctx.params.deployment_id ?? '',
      await readJson(ctx.req, LIMIT),
      actorOf(ctx),
      deps,
    ),
  );
  const postAssessmentRoute = ofTheInstall(async (ctx) =>
    postAssessment(await readJson(ctx.req, LIMIT), actorOf(ctx), deps),
  );
  const listAdminEventsRoute = ofTheInstall(async (ctx) => getAdminEvents(ctx.query, deps));
  return {
    post_deployment: postDeploymentRoute,
    list_deployments: listDeploymentsRoute,
    post_approval: postApprovalRoute,
    post_assessment: postAssessmentRoute,
    list_admin_events: listAdminEventsRoute,
  };
};
