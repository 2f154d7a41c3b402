/**
 * Policy engine benchmarks (not part of `npm test`): `node test/bench/policy.bench.ts`.
 * 1. Structured detectors (e-mail, phone, SSN, card, IBAN, IP, secrets) over ~4 MB of
 *    mixed text: MB/s on one core. Target ≥ 30 MB/s.
 * 2. Guardrail evaluation of a 4 KB output text with the default policy: p50/p99 latency.
 *    Target p99 ≤ 2 ms.
 * 3. What listing every rule on the stored record costs (issue 17): canonical bytes of the
 *    envelope of a ~1 KB inference event and of a decision log under the default policy,
 *    with `policy.checks` as stored before (only the rules that did not run), now (bare ids
 *    for the rules that ran) and as full `{rule_id, status: "ran"}` objects; and the CPU per
 *    record of sealing (canonical JSON + hashes) and of processBatch (default policy, file
 *    ledger + archive) with the checks stored before and now, interleaved in this run.
 */

import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openFileArchive } from '#adapters/local/file-archive.ts';
import { openFileLedger } from '#adapters/local/file-ledger.ts';
import { canonicalJson } from '#core/chain/canonical.ts';
import { sealRecord } from '#core/chain/hash.ts';
import type { PolicyResult } from '#core/chain/record.ts';
import { normalise } from '#core/events/normalise.ts';
import { processBatch } from '#core/pipeline/process-batch.ts';
import { expandChecks, storedCheck } from '#core/policy/checks.ts';
import { createPolicyEngine } from '#core/policy/create-engine.ts';
import { defaultPolicy } from '#core/policy/default-policy.ts';
import { detectApiKey } from '#core/policy/detectors/api-key.ts';
import { detectAwsAccessKey } from '#core/policy/detectors/aws-access-key.ts';
import { detectCreditCard } from '#core/policy/detectors/credit-card.ts';
import { detectEmail } from '#core/policy/detectors/email.ts';
import { detectIban } from '#core/policy/detectors/iban.ts';
import { detectIpAddress } from '#core/policy/detectors/ip-address.ts';
import { detectJwt } from '#core/policy/detectors/jwt.ts';
import { detectPhone, phoneParams } from '#core/policy/detectors/phone.ts';
import { detectPrivateKey } from '#core/policy/detectors/private-key.ts';
import { detectUsSsn } from '#core/policy/detectors/us-ssn.ts';
import { evaluateGuardrail } from '#core/policy/guardrail.ts';
import { systemClock } from '#ports/clock.ts';
import type { PolicyEngine } from '#ports/policy-engine.ts';
import { mixedText } from './mixed-text.ts';
import { sampleEvent } from './sample-event.ts';
import { median } from './stats.ts';

const phoneDefaults = phoneParams.parse({});
const DETECTORS: readonly (readonly [string, (text: string) => number])[] = [
  ['email', (t) => detectEmail(t, {}).length],
  ['phone', (t) => detectPhone(t, phoneDefaults).length],
  ['ssn', (t) => detectUsSsn(t, { bare_digits_with_context: true }).length],
  ['card', (t) => detectCreditCard(t, {}).length],
  ['iban', (t) => detectIban(t, {}).length],
  ['ip', (t) => detectIpAddress(t, { include_private: true }).length],
  ['aws-key', (t) => detectAwsAccessKey(t, {}).length],
  ['private-key', (t) => detectPrivateKey(t, {}).length],
  ['jwt', (t) => detectJwt(t, {}).length],
  ['api-key', (t) => detectApiKey(t, {}).length],
];
const structured = (text: string): number => DETECTORS.reduce((n, [, d]) => n + d(text), 0);

// Wall time suffers from other processes on a shared machine; CPU time (user + system of
// this process, µs resolution) is reported beside it and is what the targets are held to.
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const big = mixedText(4 * 1024 * 1024);
for (let i = 0; i < 3; i++) structured(big.slice(0, 1_000_000)); // JIT warm-up
const rounds = 5;
const t0 = performance.now();
const c0 = cpuMs();
let found = 0;
for (let i = 0; i < rounds; i++) found += structured(big);
const mb = (big.length * rounds) / (1024 * 1024);
const wallMbps = mb / ((performance.now() - t0) / 1000);
const cpuMbps = mb / ((cpuMs() - c0) / 1000);
console.log(
  `structured detectors: ${cpuMbps.toFixed(1)} MB/s per core of CPU time, ${wallMbps.toFixed(1)} MB/s wall (${found / rounds} matches per 4 MB; target >= 30)`,
);

// Each detector alone, to see where the time goes (CPU ms per 4 MB, mean of 3).
const each = DETECTORS.map(([name, d]) => {
  const c = cpuMs();
  for (let i = 0; i < 3; i++) d(big);
  return `${name} ${((cpuMs() - c) / 3).toFixed(1)}`;
});
console.log(`per detector (CPU ms per 4 MB): ${each.join(', ')}`);

const engine = createPolicyEngine(defaultPolicy());
const text = mixedText(4096);
const wall: number[] = [];
const cpu: number[] = [];
for (let i = 0; i < 5000; i++) {
  const t = performance.now();
  const c = cpuMs();
  await evaluateGuardrail({ text, direction: 'output' }, engine);
  if (i >= 1000) {
    cpu.push(cpuMs() - c);
    wall.push(performance.now() - t);
  }
}
const q = (xs: number[], p: number): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
};
console.log(
  `guardrail 4 KB (default policy): CPU p50 ${q(cpu, 0.5).toFixed(3)} ms, p99 ${q(cpu, 0.99).toFixed(3)} ms; wall p50 ${q(wall, 0.5).toFixed(3)} ms, p99 ${q(wall, 0.99).toFixed(3)} ms (target p99 <= 2)`,
);
// 3. The stored checks: bytes per envelope and sealing CPU per record, before and now.
const eventOf = (route: string, payload: unknown) => {
  const n = normalise({
    v: 1,
    route,
    request_id: 'r',
    received_at: '2026-12-06T00:00:00Z',
    payload,
  });
  if (!n.ok) throw new Error('bench event did not normalise');
  return n.event;
};
const shapes = async (route: string, payload: unknown) => {
  const inspection = await engine.inspect(eventOf(route, payload));
  const { result } = await engine.evaluate(eventOf(route, payload));
  const withChecks = (checks: NonNullable<PolicyResult['checks']>): PolicyResult => ({
    ...result,
    checks,
  });
  return {
    before: withChecks(inspection.checks.filter((c) => c.status !== 'ran')),
    now: withChecks(inspection.checks.map(storedCheck)),
    full: withChecks(inspection.checks),
    stored: result,
  };
};
const envelopeOf = (policy: PolicyResult, seq: number) => ({
  chain: 'bench-app',
  seq,
  kind: 'inference' as const,
  event_id: `evt-${seq}`,
  ingested_at: '2026-12-06T00:00:00.000Z',
  policy,
  prev: '0'.repeat(64),
});
const body = sampleEvent(1);
const salt = 'ab'.repeat(16);
for (const [label, route, payload] of [
  ['inference event (~1 KB)', 'audit_event', body],
  [
    'decision log',
    'decision_log',
    {
      application_id: 'credit_app',
      decision_id: 'd-1',
      output: { decision: 'approve', reason: 'income verified' },
    },
  ],
] as const) {
  const s3 = await shapes(route, payload);
  if (canonicalJson(s3.stored) !== canonicalJson(s3.now))
    throw new Error('engine stores another shape');
  const size = (p: PolicyResult) => Buffer.byteLength(canonicalJson(envelopeOf(p, 0)));
  const ran = s3.full.checks?.filter((c) => typeof c !== 'string' && c.status === 'ran').length;
  console.log(
    `stored envelope, ${label}, default policy (${s3.full.checks?.length} rules, ${ran} ran): before ${size(s3.before)} B, now ${size(s3.now)} B (+${size(s3.now) - size(s3.before)}), full objects would be ${size(s3.full)} B (+${size(s3.full) - size(s3.before)})`,
  );
}
const sealCpu = (policy: PolicyResult, count: number): number => {
  const c = process.cpuUsage();
  for (let i = 0; i < count; i++) sealRecord(envelopeOf(policy, i), body, salt);
  const u = process.cpuUsage(c);
  return (u.user + u.system) / count;
};
const inference = await shapes('audit_event', body);
sealCpu(inference.before, 5000);
sealCpu(inference.now, 5000); // warm-up
const pairs: [number, number][] = [];
for (let i = 0; i < 5; i++)
  pairs.push([sealCpu(inference.before, 20_000), sealCpu(inference.now, 20_000)]);
console.log(
  `sealRecord, inference event, CPU per record over 5 interleaved pairs of 20,000: before ${pairs.map(([b]) => b.toFixed(2)).join(', ')} µs; now ${pairs.map(([, n]) => n.toFixed(2)).join(', ')} µs; median now/before ${median(pairs.map(([b, n]) => n / b)).toFixed(3)} (load average ${loadavg()[0]?.toFixed(1)})`,
);

// The processor as a whole (default policy, file ledger + archive, layout v1), once with
// records as stored now and once with the checks cut back to the shape stored before: the
// same code otherwise, interleaved in this run, so the difference is the shape alone.
const beforeShape: PolicyEngine = {
  ...engine,
  evaluate: async (event) => {
    const { result, body: kept } = await engine.evaluate(event);
    const checks = expandChecks(result.checks).filter((c) => c.status !== 'ran');
    return { result: { ...result, checks }, body: kept };
  },
};
const processorCpu = async (policy: PolicyEngine, count: number): Promise<number> => {
  const dir = await mkdtemp(join(tmpdir(), 'checks-bench-'));
  try {
    const ledger = await openFileLedger(join(dir, 'ledger'));
    const deps = {
      ledger,
      archive: openFileArchive(join(dir, 'archive')),
      policy,
      alerts: { publish: async () => undefined },
      clock: systemClock,
      log: { info: () => undefined, warn: () => undefined, error: () => undefined },
    };
    const c = process.cpuUsage();
    for (let from = 0; from < count; from += 100) {
      const batch = Array.from({ length: 100 }, (_, i) => ({
        v: 1 as const,
        route: 'audit_event',
        request_id: `r-${from + i}`,
        received_at: '2026-12-06T00:00:00.000Z',
        payload: sampleEvent(from + i),
      }));
      await processBatch(batch, deps);
    }
    const u = process.cpuUsage(c);
    await ledger.close();
    return (u.user + u.system) / count;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};
await processorCpu(engine, 1000); // warm-up
const whole: [number, number][] = [];
for (let i = 0; i < 5; i++) {
  whole.push([await processorCpu(beforeShape, 3000), await processorCpu(engine, 3000)]);
}
console.log(
  `processBatch, default policy, inference events, CPU per record over 5 interleaved pairs of 3,000: before ${whole.map(([b]) => b.toFixed(1)).join(', ')} µs; now ${whole.map(([, n]) => n.toFixed(1)).join(', ')} µs; median now/before ${median(whole.map(([b, n]) => n / b)).toFixed(3)} (load average ${loadavg()[0]?.toFixed(1)})`,
);

process.exitCode = cpuMbps >= 30 && q(cpu, 0.99) <= 2 ? 0 : 1;
