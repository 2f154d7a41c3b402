import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { principalFromContext } from '#core/access/principal-context.ts';
import { routeRefusal } from '#core/access/route-access.ts';
import { RequestTooLargeError } from '#core/api/refusal.ts';
import { noRouteAnswer } from '#core/api/refusals.ts';
import type { RouteAnswer, RouteInput } from '#core/api/route-input.ts';
import { API_ROUTES, matchRoute, type RouteName } from '#core/api/routes.ts';
import type { LogPort } from '#ports/log.ts';
import { bodyOf, lowerCaseHeaders, type ProxyRequestEvent, proxyRoute } from './proxy-answer.ts';

/** The proxy event as a route Lambda reads it: which resource and method, the query, and
 * the authorizer's context (the principal). */
export type RouteLambdaEvent = ProxyRequestEvent &
  Pick<APIGatewayProxyEvent, 'httpMethod' | 'resource'> &
  Partial<
    Pick<APIGatewayProxyEvent, 'queryStringParameters' | 'multiValueQueryStringParameters'>
  > & {
    readonly requestContext: ProxyRequestEvent['requestContext'] & {
      readonly authorizer?: unknown;
    };
  };

/** The first value of each query parameter (as the local server takes them). */
const queryOf = (event: RouteLambdaEvent): Record<string, string | undefined> => {
  const query: Record<string, string | undefined> = Object.create(null);
  for (const [name, values] of Object.entries(event.multiValueQueryStringParameters ?? {})) {
    query[name] = values?.[0];
  }
  for (const [name, value] of Object.entries(event.queryStringParameters ?? {})) {
    query[name] ??= value;
  }
  return query;
};

/**
 * THE AWS route mechanism: one Lambda answers a set of contract routes
 * (core/api/routes.ts) with the same route functions the local server calls. API
 * Gateway's proxy event is matched to a route by its resource and method (`matchRoute`,
 * the resource being the route's path template), the principal is the authorizer's
 * context, the role × route table is checked again (routeRefusal: the authorizer's policy
 * is the first line), and the route function answers (an ApiRefusal becomes its answer,
 * anything else a logged 503, as on the local server).
 *
 * To put a route on AWS: give its answer to `routeHandler` (route-handler.ts) in the
 * handler file of its permission group (lambdas/handlers/query.ts, review.ts, …) and list
 * it in that group's `IngestApi.mountRouteGroup` call (lib/constructs/ingest-api.ts), with
 * the grants it needs; then mark it `runtimes: 'both'`.
 */
export const createRouteLambda = (
  answers: Partial<Record<RouteName, RouteAnswer>>,
  log: LogPort,
): ((event: RouteLambdaEvent) => Promise<APIGatewayProxyResult>) => {
  const routes = API_ROUTES.filter((route) => answers[route.name] !== undefined);
  return proxyRoute<RouteLambdaEvent>(log, async (e, request) => {
    const match = matchRoute(routes, e.httpMethod, e.resource);
    if (match.type !== 'found') return noRouteAnswer();
    const { route } = match;
    const principal = principalFromContext(e.requestContext.authorizer);
    const refused = routeRefusal(route, principal);
    if (refused !== undefined) return refused;
    const bytes = bodyOf(e);
    const input: RouteInput = {
      ...request,
      ...(principal === undefined ? {} : { principal }),
      params: Object.fromEntries(
        Object.entries(e.pathParameters ?? {}).flatMap(([k, v]) =>
          v === undefined ? [] : [[k, v]],
        ),
      ),
      query: queryOf(e),
      headers: lowerCaseHeaders(e.headers),
      body: async (limit) => {
        if (bytes.byteLength > limit) throw new RequestTooLargeError(limit);
        return bytes;
      },
    };
    const answer = answers[route.name];
    if (answer === undefined) return noRouteAnswer();
    return answer(input);
  });
};
