/**
 * The API's routes, once for both runtimes: the local server binds a handler to each name,
 * the stack (lib/constructs/ingest-api.ts) builds an API Gateway method for each route
 * that runs on AWS, and docs/API.md is checked against this list.
 */
export interface RouteSpec {
  readonly name: string;
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** Path template; `{name}` is a path parameter (one segment). */
  readonly path: string;
  /** Needs an API key. */
  readonly auth: boolean;
  /** `local`: only the embedded runtime has it (health of its in-process stream). */
  readonly runtimes: 'both' | 'local';
}

export const API_ROUTES = [
  { name: 'audit_event', method: 'POST', path: '/v1/audit/events', auth: true, runtimes: 'both' },
  {
    name: 'decision_log',
    method: 'POST',
    path: '/v1/logs/decisions',
    auth: true,
    runtimes: 'both',
  },
  { name: 'log', method: 'POST', path: '/v1/logs', auth: true, runtimes: 'both' },
  { name: 'outcome', method: 'POST', path: '/v1/outcomes', auth: true, runtimes: 'both' },
  { name: 'batch', method: 'POST', path: '/v1/events:batch', auth: true, runtimes: 'both' },
  {
    name: 'get_event',
    method: 'GET',
    path: '/v1/events/{event_id}',
    auth: true,
    runtimes: 'both',
  },
  {
    name: 'guardrail',
    method: 'POST',
    path: '/v1/guardrails/evaluate',
    auth: true,
    runtimes: 'both',
  },
  { name: 'otlp_traces', method: 'POST', path: '/v1/traces', auth: true, runtimes: 'both' },
  // Reads, search and the review queue (issue 8).
  { name: 'search_events', method: 'GET', path: '/v1/events', auth: true, runtimes: 'both' },
  {
    name: 'subject_events',
    method: 'GET',
    path: '/v1/subjects/{user_id}/events',
    auth: true,
    runtimes: 'both',
  },
  { name: 'list_reviews', method: 'GET', path: '/v1/reviews', auth: true, runtimes: 'both' },
  {
    name: 'get_review',
    method: 'GET',
    path: '/v1/reviews/{event_id}',
    auth: true,
    runtimes: 'both',
  },
  {
    name: 'post_review',
    method: 'POST',
    path: '/v1/reviews/{event_id}',
    auth: true,
    runtimes: 'both',
  },
  // What the console (issue 15) reads besides: the published checkpoint keys its proof
  // check trusts, and the fairness reports the review run archived.
  {
    name: 'published_keys',
    method: 'GET',
    path: '/v1/checkpoints/keys',
    auth: true,
    runtimes: 'both',
  },
  {
    name: 'list_fairness_reports',
    method: 'GET',
    path: '/v1/reports/fairness',
    auth: true,
    runtimes: 'both',
  },
  {
    name: 'get_fairness_report',
    method: 'GET',
    path: '/v1/reports/fairness/{report_id}',
    auth: true,
    runtimes: 'both',
  },
  { name: 'healthz', method: 'GET', path: '/healthz', auth: false, runtimes: 'local' },
  // Retention and erasure (issue 7).
  {
    name: 'post_legal_hold',
    method: 'POST',
    path: '/v1/legal-holds',
    auth: true,
    runtimes: 'both',
  },
  {
    name: 'list_legal_holds',
    method: 'GET',
    path: '/v1/legal-holds',
    auth: true,
    runtimes: 'both',
  },
  {
    name: 'delete_legal_hold',
    method: 'DELETE',
    path: '/v1/legal-holds/{hold_id}',
    auth: true,
    runtimes: 'both',
  },
  {
    name: 'post_erasure_request',
    method: 'POST',
    path: '/v1/erasure-requests',
    auth: true,
    runtimes: 'both',
  },
  {
    name: 'list_erasure_requests',
    method: 'GET',
    path: '/v1/erasure-requests',
    auth: true,
    runtimes: 'both',
  },
  {
    name: 'get_erasure_request',
    method: 'GET',
    path: '/v1/erasure-requests/{request_id}',
    auth: true,
    runtimes: 'both',
  },
  // The auditor's evidence package (issue 10): reads the archive.
  {
    name: 'evidence_report',
    method: 'GET',
    path: '/v1/reports/evidence',
    auth: true,
    runtimes: 'both',
  },
  // Change governance (issue 17).
  {
    name: 'post_deployment',
    method: 'POST',
    path: '/v1/deployments',
    auth: true,
    runtimes: 'both',
  },
  {
    name: 'list_deployments',
    method: 'GET',
    path: '/v1/deployments',
    auth: true,
    runtimes: 'both',
  },
  {
    name: 'post_approval',
    method: 'POST',
    path: '/v1/deployments/{deployment_id}/approvals',
    auth: true,
    runtimes: 'both',
  },
  {
    name: 'post_assessment',
    method: 'POST',
    path: '/v1/assessments',
    auth: true,
    runtimes: 'both',
  },
  {
    name: 'list_admin_events',
    method: 'GET',
    path: '/v1/admin-events',
    auth: true,
    runtimes: 'both',
  },
] as const satisfies readonly RouteSpec[];

export type RouteName = (typeof API_ROUTES)[number]['name'];

/** The single-event ingest routes (one event per request, route name into the envelope). */
export const EVENT_ROUTES = [
  'audit_event',
  'decision_log',
  'log',
  'outcome',
] as const satisfies readonly RouteName[];

/** A route by name. */
export const routeSpec = (name: RouteName): RouteSpec => {
  const spec = API_ROUTES.find((r) => r.name === name);
  if (spec === undefined) throw new Error(`no route ${name}`);
  return spec;
};

/** What a request path and method resolve to. */
export type RouteMatch<R extends RouteSpec = RouteSpec> =
  | { readonly type: 'found'; readonly route: R; readonly params: Record<string, string> }
  | { readonly type: 'wrong_method'; readonly allow: readonly string[] }
  | { readonly type: 'not_found' }
  | { readonly type: 'bad_path' };

/** Finds the route for a method and a raw (still percent-encoded) path. */
export const matchRoute = <R extends RouteSpec>(
  routes: readonly R[],
  method: string,
  path: string,
): RouteMatch<R> => {
  const allow: string[] = [];
  for (const candidate of routes) {
    const params = matchPath(candidate.path, path);
    if (params === undefined) continue;
    if (params === null) return { type: 'bad_path' };
    if (candidate.method === method) return { type: 'found', route: candidate, params };
    allow.push(candidate.method);
  }
  return allow.length === 0 ? { type: 'not_found' } : { type: 'wrong_method', allow };
};

const patterns = new Map<string, RegExp>();

/** `/v1/events/{event_id}` → `^/v1/events/(?<event_id>[^/]+)$`. */
const patternOf = (template: string): RegExp => {
  let pattern = patterns.get(template);
  if (pattern === undefined) {
    const source = template
      .split(/(\{\w+\})/)
      .map((part) =>
        /^\{\w+\}$/.test(part)
          ? `(?<${part.slice(1, -1)}>[^/]+)`
          : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
      )
      .join('');
    pattern = new RegExp(`^${source}$`);
    patterns.set(template, pattern);
  }
  return pattern;
};

/** Path parameters when the path matches; null when a parameter is not valid %-encoding. */
const matchPath = (template: string, path: string): Record<string, string> | null | undefined => {
  const match = patternOf(template).exec(path);
  if (match === null) return undefined;
  try {
    return Object.fromEntries(
      Object.entries(match.groups ?? {}).map(([name, value]) => [name, decodeURIComponent(value)]),
    );
  } catch {
    return null;
  }
};
