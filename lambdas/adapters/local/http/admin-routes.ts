import { submitterOf } from '#core/access/roles.ts';
import {
  type AdminApiDeps,
  getAdminEvents,
  listDeployments,
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
  const postDeploymentRoute: Handler = async (ctx) =>
    postDeployment(await readJson(ctx.req, LIMIT), actorOf(ctx), deps);
  const listDeploymentsRoute: Handler = async (ctx) => listDeployments(ctx.query, deps);
  const postApprovalRoute: Handler = async (ctx) =>
    postApproval(
      ctx.params.deployment_id ?? '',
      await readJson(ctx.req, LIMIT),
      actorOf(ctx),
      deps,
    );
  const postAssessmentRoute: Handler = async (ctx) =>
    postAssessment(await readJson(ctx.req, LIMIT), actorOf(ctx), deps);
  const listAdminEventsRoute: Handler = async (ctx) => getAdminEvents(ctx.query, deps);
  return {
    post_deployment: postDeploymentRoute,
    list_deployments: listDeploymentsRoute,
    post_approval: postApprovalRoute,
    post_assessment: postAssessmentRoute,
    list_admin_events: listAdminEventsRoute,
  };
};
