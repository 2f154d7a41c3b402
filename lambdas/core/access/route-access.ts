import { type ApiAnswer, errorAnswer } from '#core/api/answer.ts';
import { unauthorizedAnswer } from '#core/api/refusals.ts';
import type { RouteSpec } from '#core/api/routes.ts';
import { can, type Principal } from './roles.ts';
import { permissionFor } from './route-permissions.ts';

/**
 * The one check of the role × route table, on both runtimes (the local server; the AWS
 * route Lambda behind the authorizer's policy, as a second line): an authenticated route
 * without a principal is 401, a role without the route's permission 403, and a route
 * missing from the table is refused to everyone. Undefined when the call may go ahead.
 */
export const routeRefusal = (
  route: Pick<RouteSpec, 'name' | 'auth'>,
  principal: Principal | undefined,
): ApiAnswer | undefined => {
  if (!route.auth) return undefined;
  if (principal === undefined) return unauthorizedAnswer();
  const needed = permissionFor(route.name);
  if (needed === undefined || !can(principal, needed)) {
    // API Gateway's own refusal (the authorizer's policy) says the same, so both runtimes do.
    return errorAnswer('forbidden');
  }
  return undefined;
};
