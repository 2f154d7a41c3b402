import { type AdminRouteDeps, adminRouteAnswers } from '#core/api/admin-routes.ts';
import { governanceReadAnswers, governanceWriteAnswers } from '#core/api/governance-routes.ts';
import { guardrailRoute } from '#core/api/guardrail.ts';
import { acceptBatch, BATCH_BODY_LIMIT } from '#core/api/ingest-batch.ts';
import { acceptEvent, EVENT_BODY_LIMIT } from '#core/api/ingest-event.ts';
import { lookupEvent } from '#core/api/lookup-event.ts';
import { tracesRoute } from '#core/api/otlp-traces.ts';
import { queryRouteAnswers } from '#core/api/query-routes.ts';
import { API_ROUTES, type RouteName, type RouteSpec } from '#core/api/routes.ts';
import type { LedgerRecord } from '#core/chain/record.ts';
import type { LanePlan } from '#core/events/lanes.ts';
import { laneSink } from '#core/pipeline/lane-sink.ts';
import type { QueryDeps } from '#core/query/deps.ts';
import { type EvidenceApiDeps, evidenceRouteAnswers } from '#core/report/evidence-api.ts';
import type { GovernanceApiDeps } from '#core/retention/governance-api.ts';
import type { EnvelopeSink } from '#ports/envelope-sink.ts';
import type { GuardrailEvaluator } from '#ports/guardrail.ts';
import type { RecordReader } from '#ports/ledger.ts';
import type { Handler } from './handler.ts';
import { readJson } from './read-json.ts';

/** One route of the contract with its local handler. */
export interface Route extends RouteSpec {
  readonly handle: Handler;
}

/** What the routes need from the runtime. */
export interface RouteDeps {
  readonly stream: EnvelopeSink;
  /** Hot keys spread over lanes (typed config `lanesPerChain`). @default one lane each */
  readonly lanes?: LanePlan;
  readonly ledger: RecordReader;
  /** Extra fields for `/healthz` (stream stats). */
  readonly health?: () => Readonly<Record<string, unknown>>;
  readonly guardrail?: GuardrailEvaluator;
  /** Adds search, raw views and the review queue (and upgrades `get_event` to them). */
  readonly query?: QueryDeps;
  /** The legal-hold and erasure-request routes. */
  readonly governance?: GovernanceApiDeps;
  /** Deployments, approvals, assessments and the admin chain; `beforeList`
   * brings the admin chain up to date (key changes) before it is listed. */
  readonly admin?: AdminRouteDeps;
  /** Opens a stored layout v2 record's body for the lookup route, while its keys exist. */
  readonly open?: (record: LedgerRecord) => Promise<LedgerRecord>;
  /** The evidence package route. */
  readonly evidence?: EvidenceApiDeps;
}

/** The local API: the contract's routes (core/api/routes.ts), each reading its request
 * off node:http and answering through the core's route function. */
export const buildRoutes = (deps: RouteDeps): Route[] => {
  const { guardrail, lanes = [] } = deps;
  const stream = laneSink(deps.stream, lanes);
  const event =
    (route: string): Handler =>
    async (ctx) =>
      acceptEvent(route, await readJson(ctx.req, EVENT_BODY_LIMIT), ctx, stream, lanes);
  const handlers: Partial<Record<RouteName, Handler>> = {
    audit_event: event('audit_event'),
    decision_log: event('decision_log'),
    log: event('log'),
    outcome: event('outcome'),
    batch: async (ctx) =>
      acceptBatch(await readJson(ctx.req, BATCH_BODY_LIMIT), ctx, stream, lanes),
    get_event: async ({ params }) => lookupEvent(params.event_id, deps.ledger, deps.open),
    otlp_traces: tracesRoute(stream, false),
    healthz: async () => ({ status: 200, body: { ok: true, ...deps.health?.() } }),
    ...(deps.query === undefined ? {} : queryRouteAnswers(deps.query)),
    ...(deps.governance === undefined
      ? {}
      : {
          ...governanceWriteAnswers(deps.governance),
          ...governanceReadAnswers(deps.governance),
        }),
    ...(deps.evidence === undefined ? {} : evidenceRouteAnswers(deps.evidence)),
    ...(deps.admin === undefined
      ? {}
      : adminRouteAnswers(async () => deps.admin as AdminRouteDeps)),
    ...(guardrail === undefined ? {} : { guardrail: guardrailRoute(guardrail, stream) }),
  };
  return API_ROUTES.flatMap((spec) => {
    const handle = handlers[spec.name];
    return handle === undefined ? [] : [{ ...spec, handle }];
  });
};
