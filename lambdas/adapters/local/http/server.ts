import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { authenticate, DEV_KEY_ID } from '#core/access/keys.ts';
import { ALL_CHAINS, DEFAULT_TENANT, type Principal } from '#core/access/roles.ts';
import { routeRefusal } from '#core/access/route-access.ts';
import type { AdminApiDeps } from '#core/admin/admin-api.ts';
import type { ApiAnswer } from '#core/api/answer.ts';
import { ApiRefusal } from '#core/api/refusal.ts';
import {
  badPathAnswer,
  noRouteAnswer,
  unavailableAnswer,
  wrongMethodAnswer,
} from '#core/api/refusals.ts';
import { matchRoute, type RouteMatch } from '#core/api/routes.ts';
import type { LedgerRecord } from '#core/chain/record.ts';
import type { LanePlan } from '#core/events/lanes.ts';
import type { QueryDeps } from '#core/query/deps.ts';
import type { EvidenceApiDeps } from '#core/report/evidence-api.ts';
import type { GovernanceApiDeps } from '#core/retention/governance-api.ts';
import type { EnvelopeSink } from '#ports/envelope-sink.ts';
import type { GuardrailEvaluator } from '#ports/guardrail.ts';
import type { KeyStore } from '#ports/key-store.ts';
import type { RecordReader } from '#ports/ledger.ts';
import type { LogPort } from '#ports/log.ts';
import { createKeyCheck } from './auth.ts';
import { isConsolePath, serveConsole } from './console-assets.ts';
import { RequestAbortedError } from './errors.ts';
import {
  CLOSE_GRACE_MS,
  DISCARD_MAX_BYTES,
  DISCARD_MAX_MS,
  HEADERS_TIMEOUT_MS,
  REQUEST_TIMEOUT_MS,
} from './limits.ts';
import { discardRest, readBody } from './read-body.ts';
import { sendAnswer } from './responses.ts';
import { buildRoutes, type Route } from './routes.ts';

/** What the local API is started with. */
export interface LocalApiOptions {
  readonly host: string;
  /** 0 picks a free port; the chosen one is in `url`. */
  readonly port: number;
  /** The development key: an `admin` of the default tenant over every chain (key id
   * `dev`). Optional when `keys` holds the keys. */
  readonly apiKey?: string;
  /** The keys created with `audit-trail keys` (roles, tenants, chain scopes). */
  readonly keys?: Pick<KeyStore, 'findByDigest'>;
  /** Adds search, raw views and the review queue. */
  readonly query?: QueryDeps;
  readonly stream: EnvelopeSink;
  /** Hot keys spread over lanes (typed config `lanesPerChain`). @default one lane each */
  readonly lanes?: LanePlan;
  readonly ledger: RecordReader;
  readonly log: LogPort;
  /** Extra fields for `/healthz`, e.g. the stream's stats. */
  readonly health?: () => Readonly<Record<string, unknown>>;
  /** Adds `POST /v1/guardrails/evaluate` when given. */
  readonly guardrail?: GuardrailEvaluator;
  /** Adds the legal-hold and erasure-request routes when given. */
  readonly governance?: GovernanceApiDeps;
  /** Adds deployments, approvals, assessments and the admin-chain listing when given. */
  readonly admin?: AdminApiDeps & { readonly beforeList?: () => Promise<unknown> };
  /** Opens layout v2 bodies for `GET /v1/events/{id}` while their keys exist. */
  readonly open?: (record: LedgerRecord) => Promise<LedgerRecord>;
  /** Adds `GET /v1/reports/evidence` when given. */
  readonly evidence?: EvidenceApiDeps;
  /** Serves the browser console's static files from this directory at `/console/`. */
  readonly consoleDir?: string;
}

/** A running local API. */
export interface LocalApi {
  /** `http://<host>:<port>` */
  readonly url: string;
  /** Stops accepting connections and waits for requests in flight (their 202s are durable). */
  close(): Promise<void>;
}

/**
 * The local stand-in for API Gateway, on node:http: same routes, API key auth, request
 * validation and size limits; accepted events go to the durable stream.
 */
export const startLocalApi = async (options: LocalApiOptions): Promise<LocalApi> => {
  const routes = buildRoutes(options);
  const isDevKey = options.apiKey === undefined ? () => false : createKeyCheck(options.apiKey);
  const devPrincipal: Principal = {
    key_id: DEV_KEY_ID,
    tenant: DEFAULT_TENANT,
    role: 'admin',
    chains: [ALL_CHAINS],
  };
  const principalOf = async (req: IncomingMessage): Promise<Principal | undefined> => {
    if (isDevKey(req.headers)) return devPrincipal;
    return options.keys === undefined ? undefined : authenticate(req.headers, options.keys);
  };
  const { log } = options;

  const server = createServer(
    { headersTimeout: HEADERS_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS },
    (req, res) => {
      void serve(req, res);
    },
  );

  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = performance.now();
    const requestId = randomUUID();
    const [path = '/', search = ''] = (req.url ?? '/').split('?', 2);
    if (options.consoleDir !== undefined && isConsolePath(path)) {
      const status = await serveConsole(options.consoleDir, req.method ?? '', path, res);
      log.info('request', { request_id: requestId, method: req.method, route: 'console', status });
      return;
    }
    const match = matchRoute(routes, req.method ?? '', path);
    const name = match.type === 'found' ? match.route.name : match.type;
    let answer: ApiAnswer;
    try {
      answer = await answerFor(match, req, requestId, search);
    } catch (error) {
      if (error instanceof RequestAbortedError) {
        log.info('request aborted by client', { request_id: requestId, route: name });
        res.destroy();
        return;
      }
      answer = refusal(error, requestId, name);
    }
    sendAnswer(res, answer, requestId);
    // Refused before the body was read (401, 413, 415): drop the rest, then carry on.
    discardRest(req, DISCARD_MAX_BYTES, DISCARD_MAX_MS);
    log.info('request', {
      request_id: requestId,
      method: req.method,
      route: name,
      status: answer.status,
      ms: Math.round(performance.now() - started),
    });
  };

  const answerFor = async (
    match: RouteMatch<Route>,
    req: IncomingMessage,
    id: string,
    search: string,
  ) => {
    switch (match.type) {
      case 'not_found':
        return noRouteAnswer();
      case 'bad_path':
        return badPathAnswer();
      case 'wrong_method':
        return wrongMethodAnswer(match.allow);
      case 'found': {
        const { route, params } = match;
        const principal = route.auth ? await principalOf(req) : undefined;
        const refused = routeRefusal(route, principal);
        if (refused !== undefined) return refused;
        const query: Record<string, string> = Object.create(null);
        for (const [name, value] of new URLSearchParams(search)) query[name] ??= value;
        return route.handle({
          req,
          headers: req.headers,
          body: (limit: number) => readBody(req, limit),
          params,
          requestId: id,
          receivedAt: new Date().toISOString(),
          query,
          ...(principal === undefined ? {} : { principal }),
        });
      }
    }
  };

  /** Refusals become their answer; anything else is a server fault, logged without payload. */
  const refusal = (error: unknown, requestId: string, route: string): ApiAnswer => {
    if (error instanceof ApiRefusal) return error.answer();
    log.error('request failed', { request_id: requestId, route, error });
    return unavailableAnswer();
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve, reject) => {
      const cut = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
      server.close((error) => {
        clearTimeout(cut);
        if (error === undefined) resolve();
        else reject(error);
      });
      server.closeIdleConnections();
    });
    return closing;
  };
  return { url: `http://${host}:${port}`, close };
};
