/** Deployments and gate assessments (permission `deploy`): `POST /v1/deployments` and
 * `POST /v1/assessments` append to the admin chain. Env: see wiring/governance-deps.ts. */
import { adminRouteAnswers } from '#core/api/admin-routes.ts';
import { adminDepsFromEnv } from '#handlers/wiring/governance-deps.ts';
import { routeHandler } from '#handlers/wiring/route-handler.ts';

const answers = adminRouteAnswers(adminDepsFromEnv(process.env));

export const handler = routeHandler({
  post_deployment: answers.post_deployment,
  post_assessment: answers.post_assessment,
});
