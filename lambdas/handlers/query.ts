/** The read routes (permission `read_events`): one event, search, a subject's records and
 * export, the review queue; the legal holds and erasure requests, the deployments, the
 * published checkpoint keys and the fairness reports. Env: see wiring/query-deps.ts. */
import { adminRouteAnswers } from '#core/api/admin-routes.ts';
import { governanceReadAnswers } from '#core/api/governance-routes.ts';
import { queryRouteAnswers } from '#core/api/query-routes.ts';
import { followGovernance } from '#core/retention/governance.ts';
import { adminDepsFromEnv } from '#handlers/wiring/governance-deps.ts';
import { queryDepsFromEnv } from '#handlers/wiring/query-deps.ts';
import { routeHandler } from '#handlers/wiring/route-handler.ts';

const deps = queryDepsFromEnv(process.env);
const { post_review: _write, ...reads } = queryRouteAnswers(deps);

export const handler = routeHandler({
  ...reads,
  ...governanceReadAnswers({ ledger: deps.ledger, governanceState: followGovernance(deps.ledger) }),
  list_deployments: adminRouteAnswers(adminDepsFromEnv(process.env, deps)).list_deployments,
});
