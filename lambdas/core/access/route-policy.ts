import { API_ROUTES } from '#core/api/routes.ts';
import { can, type Principal } from './roles.ts';
import { permissionFor } from './route-permissions.ts';

/** One statement of an IAM policy API Gateway evaluates for `execute-api:Invoke`. */
export interface InvokeStatement {
  readonly Action: 'execute-api:Invoke';
  readonly Effect: 'Allow' | 'Deny';
  readonly Resource: string[];
}

/** `/v1/events/{event_id}` → `v1/events/*`: a path parameter is one wildcard. */
const resourcePath = (path: string): string => path.slice(1).replace(/\{\w+\}/g, '*');

/** `arn:…:api-id/stage` of a method ARN (`arn:…:api-id/stage/METHOD/path`). */
export const stageArnOf = (methodArn: string): string => {
  const [arn, stage] = methodArn.split('/');
  if (!arn || !stage) throw new Error(`not a method ARN: ${methodArn}`);
  return `${arn}/${stage}`;
};

/**
 * The policy of a principal over every authenticated route of the stage, allow or deny per
 * method ARN by the role × route table (ROUTE_PERMISSIONS). API Gateway caches an
 * authorizer's answer per identity, not per method, so the answer must hold for every
 * route, not only the one called first. Routes not on AWS yet are listed too: their ARNs
 * simply match nothing until they are mounted.
 */
export const invokePolicy = (principal: Principal, methodArn: string): InvokeStatement[] => {
  const stage = stageArnOf(methodArn);
  const allow: string[] = [];
  const deny: string[] = [];
  for (const route of API_ROUTES) {
    if (!route.auth) continue;
    const needed = permissionFor(route.name);
    const arn = `${stage}/${route.method}/${resourcePath(route.path)}`;
    (needed !== undefined && can(principal, needed) ? allow : deny).push(arn);
  }
  return [
    ...(allow.length === 0
      ? []
      : [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: allow } as const]),
    ...(deny.length === 0
      ? []
      : [{ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: deny } as const]),
  ];
};
