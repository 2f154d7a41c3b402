import { type GuardrailEvaluator, guardrailRoute } from './guardrail.ts';
import type { EnvelopePublisher, Handler } from './handler.ts';
import { ingestBatch } from './ingest-batch.ts';
import { ingestEvent } from './ingest-event.ts';
import { lookupEvent, type RecordReader } from './lookup-event.ts';

/** One route: method, path (exact, or a pattern with named groups), auth, handler. */
export interface Route {
  readonly name: string;
  readonly method: 'GET' | 'POST';
  readonly path: string | RegExp;
  readonly auth: boolean;
  readonly handle: Handler;
}

/** What the routes need from the runtime. */
export interface RouteDeps {
  readonly stream: EnvelopePublisher;
  readonly ledger: RecordReader;
  /** Extra fields for `/healthz` (stream stats). */
  readonly health?: () => Readonly<Record<string, unknown>>;
  readonly guardrail?: GuardrailEvaluator;
}

/** The local API's routes: the same paths, auth and answers as the API Gateway API. */
export const buildRoutes = (deps: RouteDeps): Route[] => [
  route('audit_event', 'POST', '/v1/audit/events', ingestEvent('audit_event', deps.stream)),
  route('decision_log', 'POST', '/v1/logs/decisions', ingestEvent('decision_log', deps.stream)),
  route('log', 'POST', '/v1/logs', ingestEvent('log', deps.stream)),
  route('outcome', 'POST', '/v1/outcomes', ingestEvent('outcome', deps.stream)),
  route('batch', 'POST', '/v1/events:batch', ingestBatch(deps.stream)),
  route('get_event', 'GET', /^\/v1\/events\/(?<event_id>[^/]+)$/, lookupEvent(deps.ledger)),
  ...(deps.guardrail === undefined
    ? []
    : [
        route(
          'guardrail',
          'POST',
          '/v1/guardrails/evaluate',
          guardrailRoute(deps.guardrail, deps.stream),
        ),
      ]),
  {
    name: 'healthz',
    method: 'GET',
    path: '/healthz',
    auth: false,
    handle: async () => ({ status: 200, body: { ok: true, ...deps.health?.() } }),
  },
];

const route = (name: string, method: Route['method'], path: Route['path'], handle: Handler) =>
  ({ name, method, path, auth: true, handle }) satisfies Route;

/** What a request path and method resolve to. */
export type RouteMatch =
  | { readonly type: 'found'; readonly route: Route; readonly params: Record<string, string> }
  | { readonly type: 'wrong_method'; readonly allow: readonly string[] }
  | { readonly type: 'not_found' }
  | { readonly type: 'bad_path' };

/** Finds the route for a method and a raw (still percent-encoded) path. */
export const matchRoute = (routes: readonly Route[], method: string, path: string): RouteMatch => {
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

/** Path parameters when the path matches; null when a parameter is not valid %-encoding. */
const matchPath = (
  pattern: Route['path'],
  path: string,
): Record<string, string> | null | undefined => {
  if (typeof pattern === 'string') return pattern === path ? {} : undefined;
  const groups = pattern.exec(path)?.groups;
  if (groups === undefined) return undefined;
  try {
    return Object.fromEntries(
      Object.entries(groups).map(([name, value]) => [name, decodeURIComponent(value)]),
    );
  } catch {
    return null;
  }
};
