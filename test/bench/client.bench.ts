/**
 * Client cost to the app (issue 13):
 *
 *   node test/bench/client.bench.ts [--calls N] [--rate N] [--seconds N]
 *
 * 1. `logEvent` latency: N calls of a ~600-byte inference event, each timed alone with
 *    process.hrtime.bigint(), in chunks of 1,000 with a turn of the event loop between them
 *    so the background sender runs as it would in an app. The server is up (a child
 *    `audit-trail dev`), so sending happens during the measurement. Target: p99 < 20 µs.
 * 2. Sustained rate: the app logs at `--rate` events/s for `--seconds` seconds (paced every
 *    10 ms), then flushes; figure = events acknowledged (202, durable) by the local server,
 *    a separate process on this machine, per second from the first call to the end of the
 *    flush. Target: ≥ 10,000 events/s with none dropped. Also the client process's CPU
 *    time per event (logging, serialising, HTTP), which the server's load does not inflate.
 * 3. The server's CPU time per event over phase 2, from acceptance until its processor has
 *    finished every event (policy, chain, archive): /proc/<pid>/stat of the `audit-trail
 *    dev` process, so Linux only. This, not the rate, is what to compare on a loaded machine.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { AuditTrailClient } from '@ai-audit-trail/client';
import { killDev, spawnDev } from '#test/e2e/support/dev-process.ts';
import { removeDir, tempDir } from '#test/helpers/temp-dir.ts';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '200000' },
    rate: { type: 'string', default: '12000' },
    seconds: { type: 'string', default: '10' },
  },
});
const CALLS = Number(values.calls);
const RATE = Number(values.rate);
const SECONDS = Number(values.seconds);
const KEY = 'client-bench-key-0123456789abcdef';

const event = (n: number) => ({
  application_id: 'bench_app',
  model: { provider: 'openai', name: 'gpt-4o-mini', parameters: { temperature: 0.2 } },
  input: {
    messages: [
      { role: 'system', content: 'You answer questions about loan applications briefly.' },
      { role: 'user', content: `What is the status of application ${n}? It was filed today.` },
    ],
  },
  output: { content: `Application ${n} is under review; expect an answer within two days.` },
  usage: { prompt_tokens: 41, completion_tokens: 17 },
});

/** A process's CPU time (user + system) in µs, or undefined off Linux. Ticks are USER_HZ,
 * 100 per second on Linux. */
const cpuOfProcess = (pid: number | undefined): number | undefined => {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return undefined;
  }
};

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
const quantile = (sorted: Float64Array, q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;

const dir = await tempDir('client-bench-');
const dev = await spawnDev(['--port', '0', '--data', dir], { AUDIT_TRAIL_API_KEY: KEY });
try {
  // 1. logEvent latency, sender running.
  const latency = new AuditTrailClient({ endpoint: dev.url, apiKey: KEY, maxBufferSize: 50_000 });
  for (let i = 0; i < 5_000; i++) latency.logEvent(event(i)); // warm-up (JIT)
  await latency.flush();
  const times = new Float64Array(CALLS);
  for (let done = 0; done < CALLS; ) {
    for (const end = Math.min(CALLS, done + 1_000); done < end; done++) {
      const start = process.hrtime.bigint();
      latency.logEvent(event(done));
      times[done] = Number(process.hrtime.bigint() - start) / 1_000;
    }
    await turn();
  }
  await latency.close(60_000);
  times.sort();
  const stats = latency.stats();
  console.log(
    `logEvent: ${CALLS} calls  p50 ${quantile(times, 0.5).toFixed(2)} µs  p99 ${quantile(times, 0.99).toFixed(2)} µs  p99.9 ${quantile(times, 0.999).toFixed(2)} µs  max ${times[times.length - 1]?.toFixed(0)} µs  (sent ${stats.sent}, dropped ${stats.dropped})`,
  );

  // 2. Sustained rate to the local server.
  const pending = async () =>
    ((await (await fetch(`${dev.url}/healthz`)).json()) as { pending: number }).pending;
  const settled = async () => {
    while ((await pending()) > 0) await new Promise((resolve) => setTimeout(resolve, 100));
  };
  await settled();
  const serverCpu = cpuOfProcess(dev.child.pid);
  const client = new AuditTrailClient({ endpoint: dev.url, apiKey: KEY, maxBufferSize: 100_000 });
  const total = RATE * SECONDS;
  const cpu = process.cpuUsage();
  const started = performance.now();
  let logged = 0;
  while (logged < total) {
    const due = Math.min(total, Math.ceil(((performance.now() - started) / 1000) * RATE));
    for (; logged < due; logged++) client.logEvent(event(logged));
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const loggedIn = (performance.now() - started) / 1000;
  await client.close(120_000);
  const elapsed = (performance.now() - started) / 1000;
  const s = client.stats();
  const used = process.cpuUsage(cpu);
  console.log(
    `client CPU: ${((used.user + used.system) / total).toFixed(1)} µs per event (logging, serialising, sending), ${(((used.user + used.system) / 1e6 / elapsed) * 100).toFixed(0)}% of a core`,
  );
  console.log(
    `sustained: ${total} events logged in ${loggedIn.toFixed(2)} s, all acknowledged after ${elapsed.toFixed(2)} s: ${Math.round(s.sent / elapsed)} events/s acknowledged (sent ${s.sent}, dropped ${s.dropped}, failed ${s.failed}, retries ${s.retries})`,
  );
  await settled();
  const serverUsed = cpuOfProcess(dev.child.pid);
  if (serverCpu !== undefined && serverUsed !== undefined) {
    console.log(
      `server CPU: ${((serverUsed - serverCpu) / total).toFixed(1)} µs per event (ingest, policy, chain, archive; until its processor finished)`,
    );
  }
  if (s.sent !== total) process.exitCode = 1;
} finally {
  await killDev(dev);
  await removeDir(dir);
}
