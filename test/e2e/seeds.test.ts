import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, tempDir } from '#test/helpers/temp-dir.ts';
import {
  readLedger,
  readSeeds,
  type Seed,
  startTestRuntime,
  verifyDataDir,
  waitForRecord,
} from './support/dev-harness.ts';
import { bearer, call, xApiKey } from './support/http-client.ts';

/** Each seed goes to the route its source posts it to; chain and kind per the seeds README. */
const EXPECTED: Record<string, { path: string; chain: string; kind: string; id?: string }> = {
  'seed1-audit-event.json': {
    path: '/v1/audit/events',
    chain: 'customer_support_agent',
    kind: 'inference',
    id: 'unique_event_identifier',
  },
  'seed2-decision-api.json': {
    path: '/v1/logs/decisions',
    chain: 'loan_underwriting_v1',
    kind: 'decision',
    id: 'req_7f3a9c2e',
  },
  'seed2-decision-log.json': {
    path: '/v1/logs',
    chain: 'loan_underwriting_agent',
    kind: 'decision',
    id: 'sess_b41e7d90',
  },
  'seed2-faq-minimal.json': {
    path: '/v1/logs',
    chain: 'default',
    kind: 'decision',
    id: 'dec_abc123',
  },
  'issue2-decision-use-case.json': {
    path: '/v1/logs/decisions',
    chain: 'claims_triage',
    kind: 'decision',
  },
};

const expectedFor = (seed: Seed) => {
  const expected = EXPECTED[seed.file];
  if (!expected) throw new Error(`no expectation for seed ${seed.file}; add one`);
  return expected;
};

const postSeed = (url: string, seed: Seed, auth: Record<string, string>) =>
  call(url, expectedFor(seed).path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...auth },
    body: seed.text,
  });

describe('the seed examples, posted verbatim to the local pipeline', () => {
  let dataDir: string;
  let runtime: Awaited<ReturnType<typeof startTestRuntime>>;
  let seeds: Seed[];
  const firstIds = new Map<string, string>();

  beforeAll(async () => {
    dataDir = await tempDir('audit-trail-e2e-');
    runtime = await startTestRuntime(dataDir);
    seeds = await readSeeds();
  });
  afterAll(async () => {
    await runtime.stop();
    await removeDir(dataDir);
  });

  it('has a route for every seed fixture', () => {
    expect(seeds.map((s) => s.file).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it('accepts each with Authorization: Bearer and records it with chain, seq, hash and policy', async () => {
    for (const seed of seeds) {
      const expected = expectedFor(seed);

      const res = await postSeed(runtime.url, seed, bearer(runtime.apiKey.key));

      expect(res.status, seed.file).toBe(202);
      expect(res.json).toEqual({
        event_id: expected.id ?? res.headers['x-request-id'],
        chain: expected.chain,
        status: 'accepted',
      });
      firstIds.set(seed.file, res.json.event_id);
      const record = await waitForRecord(runtime.url, runtime.apiKey.key, res.json.event_id);
      expect(record).toMatchObject({
        chain: expected.chain,
        event_id: res.json.event_id,
        kind: expected.kind,
        seq: 0,
        policy: { version: 'none', decision: 'pass', findings: [] },
        body: seed.payload,
      });
      expect(record.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(record.body_hash).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('keeps the client policy_checks as client-reported', async () => {
    const record = await waitForRecord(runtime.url, runtime.apiKey.key, 'unique_event_identifier');

    expect(record.policy.client_reported).toEqual([]);
  });

  it('accepts each again with x-api-key: ids already recorded are not recorded twice', async () => {
    for (const seed of seeds) {
      const res = await postSeed(runtime.url, seed, xApiKey(runtime.apiKey.key));

      expect(res.status, seed.file).toBe(202);
      const expected = expectedFor(seed);
      if (expected.id) expect(res.json.event_id).toBe(expected.id);
      else expect(res.json.event_id).not.toBe(firstIds.get(seed.file));
      const record = await waitForRecord(runtime.url, runtime.apiKey.key, res.json.event_id);
      expect(record.seq, seed.file).toBe(expected.id ? 0 : 1);
    }
  });

  it('after a clean stop, the ledger holds each event once and the archive verifies clean', async () => {
    await runtime.stop();

    const chains = await readLedger(dataDir);
    const counts = Object.fromEntries(
      [...chains].map(([chain, records]) => [chain, records.length]),
    );
    expect(counts).toEqual({
      customer_support_agent: 1,
      loan_underwriting_v1: 1,
      loan_underwriting_agent: 1,
      default: 1,
      claims_triage: 2,
    });
    const report = await verifyDataDir(dataDir);
    expect(report.faults).toEqual([]);
    expect(report).toMatchObject({ ok: true, chains: 5, records: 6, checkpoints: 5, unsigned: 0 });
  });
});
