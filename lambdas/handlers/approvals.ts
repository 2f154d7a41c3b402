/** Approvals (permission `approver`): `POST /v1/deployments/{deployment_id}/approvals`
 * appends an `approval` record to the admin chain. Env: see wiring/governance-deps.ts. */
import { adminRouteAnswers } from '#core/api/admin-routes.ts';
import { adminDepsFromEnv } from '#handlers/wiring/governance-deps.ts';
import { routeHandler } from '#handlers/wiring/route-handler.ts';

const answers = adminRouteAnswers(adminDepsFromEnv(process.env));

export const handler = routeHandler({ post_approval: answers.post_approval });
