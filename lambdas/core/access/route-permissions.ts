import type { RouteName as ApiRouteName } from '#core/api/routes.ts';
import type { Permission } from './roles.ts';

/**
 * The one table of who may call which route: each authenticated route and the permission
 * it takes. Both runtimes check it (the local server before a handler runs; the Lambda
 * authorizer's policy on AWS), and the role × route test walks it.
 */
export const ROUTE_PERMISSIONS = {
  audit_event: 'write_events',
  decision_log: 'write_events',
  log: 'write_events',
  batch: 'write_events',
  outcome: 'write_events',
  guardrail: 'write_events',
  otlp_traces: 'write_events',
  get_event: 'read_events',
  search_events: 'read_events',
  subject_events: 'read_events',
  list_reviews: 'read_events',
  get_review: 'read_events',
  post_review: 'review',
  post_legal_hold: 'govern_records',
  delete_legal_hold: 'govern_records',
  post_erasure_request: 'govern_records',
  list_legal_holds: 'read_events',
  list_erasure_requests: 'read_events',
  get_erasure_request: 'read_events',
  published_keys: 'read_events',
  list_fairness_reports: 'read_events',
  get_fairness_report: 'read_events',
} as const satisfies Record<Exclude<ApiRouteName, 'healthz'>, Permission>;
export type RouteName = keyof typeof ROUTE_PERMISSIONS;

/** The permission a route takes; undefined for a route nobody authenticates to (health). */
export const permissionFor = (route: string): Permission | undefined =>
  Object.hasOwn(ROUTE_PERMISSIONS, route) ? ROUTE_PERMISSIONS[route as RouteName] : undefined;
