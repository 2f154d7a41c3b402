/**
 * One contract, two runtimes: every case of cases.ts against the local server (over HTTP)
 * and against the stack's API Gateway definition with the Lambda handlers behind it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalApi } from '#adapters/local/http/server.ts';
import { loadDeploymentView } from '#core/admin/deployments.ts';
import type { LedgerRecord } from '#core/chain/record.ts';
import type { IntakeEnvelope } from '#core/events/envelope.ts';
import { type LanesPerChain, lanePlan } from '#core/events/lanes.ts';
import { createPolicyEngine } from '#core/policy/create-engine.ts';
import { defaultPolicy } from '#core/policy/default-policy.ts';
import { callGuardrail } from '#core/policy/guardrail-call.ts';
import type { QueryDeps } from '#core/query/deps.ts';
import { verifyCommand } from '#core/report/evidence.ts';
import { subjectIds } from '#core/retention/subjects.ts';
import { termsOf } from '#core/search/terms.ts';
import { proveFromTiles } from '#core/verify/tile-proof.ts';
import { verifyArchive } from '#core/verify/verify-archive.ts';
import type { GuardrailEvaluator } from '#ports/guardrail.ts';
import type { IndexQuery } from '#ports/record-search.ts';
import { call } from '#test/e2e/support/http-client.ts';
import { MemoryArchive } from '#test/helpers/archive-builder.ts';
import { silentLog } from '#test/helpers/silent-log.ts';
import { fakeStream, memoryLedger } from '#test/unit/server/fakes.ts';
import { type RuntimeDeps, startAwsGateway } from './aws-gateway.ts';
import {
  API_KEY,
  CONTRACT_CASES,
  CONTRACT_KEYS,
  KNOWN_ADMIN_RECORDS,
  KNOWN_RECORD,
  KNOWN_REPORT,
} from './cases.ts';
import { LANE_CASES, LANE_RECORDS, LANES_PER_CHAIN } from './lane-cases.ts';
import type { ContractRequest, ContractResponse } from './runtime.ts';

interface Runtime {
  send(request: ContractRequest): Promise<ContractResponse>;
  readonly published: IntakeEnvelope[];
  stop(): Promise<void>;
}

const engine = createPolicyEngine(defaultPolicy());
const guardrail: GuardrailEvaluator = (payload, request) => callGuardrail(payload, request, engine);
/** Each runtime gets its own ledger (cases append) and the routes' deps over it: its
 * index is termsOf, searched naively; the admin chain starts with KNOWN_ADMIN_RECORDS and
 * the archive holds one fairness report. */
const depsOf = async (
  records: readonly LedgerRecord[] = [KNOWN_RECORD, ...KNOWN_ADMIN_RECORDS],
): Promise<RuntimeDeps> => {
  const ledger = memoryLedger(records);
  const archive = new MemoryArchive();
  await archive.put(
    KNOWN_REPORT.key,
    new TextEncoder().encode(JSON.stringify(KNOWN_REPORT.report)),
  );
  const clock = { now: () => new Date('2026-01-01T00:00:00Z') };
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
    archive,
    clock,
    // As on AWS: proofs from the checkpointer's tiles, of which there are none yet.
    prove: (record) =>
      proveFromTiles(record, { head: async () => undefined, tiles: async () => new Map() }),
  };
  const writer = { ledger, archive, clock };
  return {
    ledger,
    query,
    governance: { ...writer, subjects: subjectIds(new Uint8Array(32).fill(7)) },
    admin: { ...writer, deployments: await loadDeploymentView(ledger), policyVersion: 'p1' },
    evidence: {
      sources: {
        reader: archive,
        verify: async (chains) => ({
          report: await verifyArchive(archive, chains.size > 0 ? { chains } : {}),
          command: verifyCommand('s3://archive', chains),
        }),
      },
      archive: 's3://archive',
      clock,
    },
  };
};
const keys = {
  findByDigest: async (digest: string) => CONTRACT_KEYS.find((k) => k.digest === digest),
};

/** How a runtime is started: the typed config's lanes and the ledger's records. */
interface RuntimeSetup {
  readonly lanesPerChain?: LanesPerChain;
  readonly records?: readonly LedgerRecord[];
}

const local = async (setup: RuntimeSetup = {}): Promise<Runtime> => {
  const { ledger, ...deps } = await depsOf(setup.records);
  const stream = fakeStream();
  const api = await startLocalApi({
    host: '127.0.0.1',
    port: 0,
    apiKey: API_KEY,
    keys,
    ...deps,
    stream,
    lanes: lanePlan(setup.lanesPerChain),
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

const aws = async (setup: RuntimeSetup = {}): Promise<Runtime> => {
  const gateway = startAwsGateway({
    keys,
    guardrail,
    ...(await depsOf(setup.records)),
    ...(setup.lanesPerChain === undefined ? {} : { lanesPerChain: setup.lanesPerChain }),
  });
  return { ...gateway, stop: async () => {} };
};

describe.each([
  ['local server', local],
  ['AWS (API Gateway definition + Lambda handlers)', aws],
])('API contract on %s', (_name, start) => {
  let runtime: Runtime;
  beforeAll(async () => {
    runtime = await start({});
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

describe.each([
  ['local server', local],
  ['AWS (API Gateway definition + Lambda handlers)', aws],
])(`lanes (lanesPerChain ${JSON.stringify(LANES_PER_CHAIN)}) on %s`, (_name, start) => {
  let runtime: Runtime;
  beforeAll(async () => {
    runtime = await start({ lanesPerChain: LANES_PER_CHAIN, records: LANE_RECORDS });
  });
  afterAll(() => runtime.stop());

  it.each(LANE_CASES)('$name', async (c) => {
    const before = runtime.published.length;
    const res = await runtime.send(c.request);
    expect({ status: res.status, body: res.json }).toEqual({ status: c.status, body: c.body });
    const published = runtime.published
      .slice(before)
      .map(({ route, lane }) => ({ route, ...(lane === undefined ? {} : { lane }) }));
    expect(published).toEqual(c.lanes ?? []);
  });
});
