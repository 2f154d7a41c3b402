/** API Gateway proxy events for route Lambdas (handlers/wiring/route-lambda.ts), as API
 * Gateway builds them behind the authorizer: resource, method, and the principal as the
 * authorizer's context. */
import { principalContext } from '#core/access/principal-context.ts';
import { ALL_CHAINS, DEFAULT_TENANT, type Principal } from '#core/access/roles.ts';
import { type RouteName, routeSpec } from '#core/api/routes.ts';
import type { RouteLambdaEvent } from '#handlers/wiring/route-lambda.ts';

/** An admin of the default tenant over every chain (the development key's principal). */
export const ADMIN: Principal = {
  key_id: 'dev',
  tenant: DEFAULT_TENANT,
  role: 'admin',
  chains: [ALL_CHAINS],
};

export interface RouteEventOptions {
  readonly body?: string | null;
  readonly isBase64Encoded?: boolean;
  readonly headers?: Record<string, string>;
  readonly params?: Record<string, string> | null;
  readonly query?: Record<string, string>;
  /** @default ADMIN; null for a request with no authorizer context */
  readonly principal?: Principal | null;
  readonly requestId?: string;
  readonly requestTimeEpoch?: number;
}

export const routeEvent = (route: RouteName, options: RouteEventOptions = {}): RouteLambdaEvent => {
  const spec = routeSpec(route);
  const principal = options.principal === undefined ? ADMIN : options.principal;
  return {
    httpMethod: spec.method,
    resource: spec.path,
    body: options.body ?? null,
    isBase64Encoded: options.isBase64Encoded ?? false,
    headers: options.headers ?? {},
    pathParameters: options.params ?? null,
    queryStringParameters: options.query ?? null,
    requestContext: {
      requestId: options.requestId ?? 'req-1',
      requestTimeEpoch: options.requestTimeEpoch ?? 0,
      ...(principal === null ? {} : { authorizer: { ...principalContext(principal) } }),
    },
  };
};
