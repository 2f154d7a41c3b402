/**
 * The change-governance routes as route answers, for both runtimes: deployments,
 * approvals, assessments and the admin chain's listing. Their deps come from `depsOf`,
 * called per request: the local runtime keeps one view of the deployments current in
 * process, while an AWS route Lambda reads the admin chain afresh (other Lambdas write it).
 */
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
import { jsonBody, type RouteAnswer, type RouteInput } from './route-input.ts';

/** Deployment, approval and assessment requests are small documents. */
const LIMIT = 256 * 1024;

/** What the admin routes need; `beforeList` brings the admin chain up to date (key
 * changes) before it is listed. */
export type AdminRouteDeps = AdminApiDeps & { readonly beforeList?: () => Promise<unknown> };

const actorOf = ({ principal }: RouteInput) =>
  principal === undefined ? undefined : submitterOf(principal);

/** Refuses other tenants' keys before anything is read: the admin chain and the
 * deployments are the install's. */
const ofTheInstall =
  (answer: RouteAnswer): RouteAnswer =>
  async (input) =>
    otherTenantRefusal(input.principal?.tenant) ?? answer(input);

export const adminRouteAnswers = (depsOf: () => Promise<AdminRouteDeps>) => ({
  post_deployment: ofTheInstall(async (input) =>
    postDeployment(await jsonBody(input, LIMIT), actorOf(input), await depsOf()),
  ),
  list_deployments: ofTheInstall(async (input) => listDeployments(input.query, await depsOf())),
  post_approval: ofTheInstall(async (input) =>
    postApproval(
      input.params.deployment_id ?? '',
      await jsonBody(input, LIMIT),
      actorOf(input),
      await depsOf(),
    ),
  ),
  post_assessment: ofTheInstall(async (input) =>
    postAssessment(await jsonBody(input, LIMIT), actorOf(input), await depsOf()),
  ),
  list_admin_events: ofTheInstall(async (input) => getAdminEvents(input.query, await depsOf())),
});
