import { answerGuardrail, GUARDRAIL_BODY_LIMIT } from '#core/api/guardrail.ts';
import { acceptBatch, BATCH_BODY_LIMIT } from '#core/api/ingest-batch.ts';
import { acceptEvent, EVENT_BODY_LIMIT } from '#core/api/ingest-event.ts';
import { lookupEvent } from '#core/api/lookup-event.ts';
import { answerTraces, TRACES_BODY_LIMIT } from '#core/api/otlp-traces.ts';
import { API_ROUTES, type RouteName, type RouteSpec } from '#core/api/routes.ts';
import type { LedgerRecord } from '#core/chain/record.ts';
import type { QueryDeps } from '#core/query/deps.ts';
import type { GovernanceApiDeps } from '#core/retention/governance-api.ts';
import type { EnvelopeSink } from '#ports/envelope-sink.ts';
import type { GuardrailEvaluator } from '#ports/guardrail.ts';
import type { RecordReader } from '#ports/ledger.ts';
import { governanceHandlers } from './governance.ts';
import type { Handler } from './handler.ts';
import { queryHandlers } from './query-routes.ts';
import { readBody } from './read-body.ts';
import { readJson } from './read-json.ts';

/** One route of the contract with its local handler. */
export interface Route extends RouteSpec {
  readonly handle: Handler;
}

/** What the routes need from the runtime. */
export interface RouteDeps {
  readonly stream: EnvelopeSink;
  readonly ledger: RecordReader;
  /** Extra fields for `/healthz` (stream stats). */
  readonly health?: () => Readonly<Record<string, unknown>>;
  readonly guardrail?: GuardrailEvaluator;
  /** Adds search, raw views and the review queue (and upgrades `get_event` to them). */
  readonly query?: QueryDeps;
  /** The legal-hold and erasure-request routes (local only). */
  readonly governance?: GovernanceApiDeps;
  /** Opens a stored layout v2 record's body for the lookup route, while its keys exist. */
  readonly open?: (record: LedgerRecord) => Promise<LedgerRecord>;
}

/** The local API: the contract's routes (core/api/routes.ts), each reading its request
 * off node:http and answering through the core's route function. */
export const buildRoutes = (deps: RouteDeps): Route[] => {
  const { stream, guardrail } = deps;
  const event =
    (route: string): Handler =>
    async (ctx) =>
      acceptEvent(route, await readJson(ctx.req, EVENT_BODY_LIMIT), ctx, stream);
  const handlers: Partial<Record<RouteName, Handler>> = {
    audit_event: event('audit_event'),
    decision_log: event('decision_log'),
    log: event('log'),
    outcome: event('outcome'),
    batch: async (ctx) => acceptBatch(await readJson(ctx.req, BATCH_BODY_LIMIT), ctx, stream),
    get_event: async ({ params }) => lookupEvent(params.event_id, deps.ledger, deps.open),
    otlp_traces: async (ctx) =>
      answerTraces(ctx.req.headers, await readBody(ctx.req, TRACES_BODY_LIMIT), ctx, stream),
    healthz: async () => ({ status: 200, body: { ok: true, ...deps.health?.() } }),
    ...(deps.query === undefined ? {} : queryRoutes(deps.query)),
    ...(deps.governance === undefined ? {} : governanceHandlers(deps.governance)),
    ...(guardrail === undefined
      ? {}
      : {
          guardrail: async (ctx) =>
            answerGuardrail(await readJson(ctx.req, GUARDRAIL_BODY_LIMIT), ctx, guardrail, stream),
        }),
  };
  return API_ROUTES.flatMap((spec) => {
    const handle = handlers[spec.name];
    return handle === undefined ? [] : [{ ...spec, handle }];
  });
};

/** The read, search and review handlers, when the runtime gives their deps. */
const queryRoutes = (query: QueryDeps): Partial<Record<RouteName, Handler>> => {
  const h = queryHandlers(query);
  return {
    get_event: h.getEventRoute,
    search_events: h.searchRoute,
    subject_events: h.subjectRoute,
    list_reviews: h.listReviewsRoute,
    get_review: h.getReviewRoute,
    post_review: h.postReviewRoute,
    published_keys: h.keysRoute,
    list_fairness_reports: h.listReportsRoute,
    get_fairness_report: h.getReportRoute,
  };
};
