/**
 * One contract, two runtimes: every case of cases.ts against the local server (over HTTP)
 * and against the stack's API Gateway definition with the Lambda handlers behind it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalApi } from '#adapters/local/http/server.ts';
import type { IntakeEnvelope } from '#core/events/envelope.ts';
import { createPolicyEngine } from '#core/policy/create-engine.ts';
import { defaultPolicy } from '#core/policy/default-policy.ts';
import { callGuardrail } from '#core/policy/guardrail-call.ts';
import type { QueryDeps } from '#core/query/deps.ts';
import { termsOf } from '#core/search/terms.ts';
import { proveFromTiles } from '#core/verify/tile-proof.ts';
import type { GuardrailEvaluator } from '#ports/guardrail.ts';
import type { IndexQuery } from '#ports/record-search.ts';
import { call } from '#test/e2e/support/http-client.ts';
import { MemoryArchive } from '#test/helpers/archive-builder.ts';
import { silentLog } from '#test/helpers/silent-log.ts';
import { fakeStream, memoryLedger } from '#test/unit/server/fakes.ts';
import { startAwsGateway } from './aws-gateway.ts';
import { API_KEY, CONTRACT_CASES, CONTRACT_KEYS, KNOWN_RECORD } from './cases.ts';
import type { ContractRequest, ContractResponse } from './runtime.ts';

interface Runtime {
  send(request: ContractRequest): Promise<ContractResponse>;
  readonly published: IntakeEnvelope[];
  stop(): Promise<void>;
}

const engine = createPolicyEngine(defaultPolicy());
const guardrail: GuardrailEvaluator = (payload, request) => callGuardrail(payload, request, engine);
/** Each runtime gets its own ledger (a verdict case appends) and read routes' deps over
 * it: its index is termsOf, searched naively. */
const depsOf = () => {
  const ledger = memoryLedger([KNOWN_RECORD]);
  const query: QueryDeps = {
    ledger: {
      ...ledger,
      search: async (q: IndexQuery) => {
        const hits = [];
        for await (const chain of ledger.chains()) {
          for await (const r of ledger.range(chain, 0, Number.MAX_SAFE_INTEGER)) {
            const terms = termsOf(r);
            const hit =
              q.all.every((t) => terms.includes(t)) &&
              (q.any === undefined || q.any.some((t) => terms.includes(t))) &&
              (q.chainPrefixes === undefined || q.chainPrefixes.some((p) => r.chain.startsWith(p)));
            if (hit) hits.push({ chain: r.chain, seq: r.seq });
          }
        }
        return { hits: hits.reverse() };
      },
    } as unknown as QueryDeps['ledger'],
    archive: new MemoryArchive(),
    clock: { now: () => new Date('2026-01-01T00:00:00Z') },
    // As on AWS: proofs from the checkpointer's tiles, of which there are none yet.
    prove: (record) =>
      proveFromTiles(record, { head: async () => undefined, tiles: async () => new Map() }),
  };
  return { ledger, query };
};
const keys = {
  findByDigest: async (digest: string) => CONTRACT_KEYS.find((k) => k.digest === digest),
};

const local = async (): Promise<Runtime> => {
  const { ledger, query } = depsOf();
  const stream = fakeStream();
  const api = await startLocalApi({
    host: '127.0.0.1',
    port: 0,
    apiKey: API_KEY,
    keys,
    query,
    stream,
    ledger,
    log: silentLog,
    guardrail,
  });
  return {
    published: stream.published,
    stop: () => api.close(),
    async send(request) {
      const res = await call(api.url, request.path, {
        method: request.method,
        ...(request.headers === undefined ? {} : { headers: request.headers }),
        ...(request.body === undefined ? {} : { body: request.body }),
      });
      const headers = Object.fromEntries(
        Object.entries(res.headers).map(([name, value]) => [name, String(value)]),
      );
      return { status: res.status, headers, json: res.json };
    },
  };
};

const aws = async (): Promise<Runtime> => {
  const { ledger, query } = depsOf();
  const gateway = startAwsGateway({
    keys,
    ledger,
    query,
    guardrail,
  });
  return { ...gateway, stop: async () => {} };
};

describe.each([
  ['local server', local],
  ['AWS (API Gateway definition + Lambda handlers)', aws],
])('API contract on %s', (_name, start) => {
  let runtime: Runtime;
  beforeAll(async () => {
    runtime = await start();
  });
  afterAll(() => runtime.stop());

  it.each(CONTRACT_CASES)('$name', async (c) => {
    // Prepare
    const before = runtime.published.length;

    // Act
    const res = await runtime.send(c.request);

    // Assess
    expect({ status: res.status, body: res.json }).toEqual({ status: c.status, body: c.body });
    if (c.error !== undefined) expect(res.json.error).toBe(c.error);
    expect(res.headers['content-type']).toMatch(/^application\/json\b/);
    expect(res.headers).toMatchObject(c.headers ?? {});
    const published = runtime.published
      .slice(before)
      .map(({ route, payload }) => ({ route, payload }));
    expect(published).toEqual(c.published ?? []);
  });
});
