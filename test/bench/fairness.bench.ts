/**
 * A fairness review over N decisions, each with an outcome (and 10% with a corrected second
 * one), on one core: records are generated as the JSON text a ledger page holds and parsed
 * on the way in (as the file and DynamoDB ledgers do), in both of the review's passes.
 * Runs the review in a child process per size and reads its peak RSS.
 *
 *   node test/bench/fairness.bench.ts [decisions=1000000] [smaller=250000] [maxOutcomesInMemory]
 *
 * Targets: < 30 CPU-seconds for 1M decisions with outcomes on one core (default budget).
 * Memory: decisions are streamed; the outcome index (~17 bytes per outcome, see
 * outcome-index.ts) holds at most maxOutcomesInMemory outcomes, past which the review runs
 * in partitions (give a small budget to see peak RSS stay flat from 250k to 1M).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LedgerRecord } from '#core/chain/record.ts';
import { computeReview } from '#core/fairness/compute-review.ts';
import type { RecordSource, SourcePass } from '#core/fairness/review-source.ts';

const GROUPS = ['f', 'm', 'x', 'u'];
const START = Date.UTC(2026, 10, 2); // a Monday
const WEEK = 7 * 86_400_000;

/** The i-th decision's and outcome's JSON text (what a ledger page holds). */
const decisionLine = (i: number): string => {
  const group = GROUPS[i % 4] as string;
  const approve = (i * 2_654_435_761) % 100 < (group === 'f' ? 70 : group === 'm' ? 55 : 62);
  const at = new Date(START + (i % 4) * WEEK + (i % 600_000) * 1000).toISOString();
  return `{"chain":"lender","seq":${i},"kind":"decision","event_id":"dec-${i}","ingested_at":"${at}","occurred_at":"${at}","body_hash":"${'a'.repeat(64)}","policy":{"version":"none","decision":"pass","findings":[]},"prev":"${'b'.repeat(64)}","hash":"${'c'.repeat(64)}","body":{"decision_id":"dec-${i}","use_case":"loan","application_id":"lender","inputs":{"gender":"${group}","age":${20 + (i % 60)},"income":${30_000 + (i % 90) * 1000}},"output":{"decision":"${approve ? 'approve' : 'deny'}","reason":"${approve ? 'within policy' : `rule ${i % 12}`}"}}}`;
};
const outcomeLine = (i: number, n: number, value: string, day: number): string =>
  `{"chain":"lender","seq":${n + i},"kind":"outcome","event_id":"out-${i}-${day}","ingested_at":"2026-12-20T00:00:00.000Z","occurred_at":"2026-12-${day}T00:00:00Z","body_hash":"${'a'.repeat(64)}","policy":{"version":"none","decision":"pass","findings":[]},"ref":{"event_id":"dec-${i}","chain":"lender","seq":${i}},"prev":"${'b'.repeat(64)}","hash":"${'c'.repeat(64)}","body":{"decision_id":"dec-${i}","outcome":"${value}","observed_at":"2026-12-${day}T00:00:00Z","application_id":"lender"}}`;

const source = (n: number): RecordSource & { parsed: number } => {
  const s = {
    parsed: 0,
    // Each pass reads the kind it asks for, as the ledger's search index serves it.
    async *records({ kind }: SourcePass): AsyncIterable<LedgerRecord> {
      for (let i = 0; kind === 'decision' && i < n; i++) {
        s.parsed += 1;
        yield JSON.parse(decisionLine(i)) as LedgerRecord;
      }
      for (let i = 0; kind === 'outcome' && i < n; i++) {
        s.parsed += 1;
        yield JSON.parse(outcomeLine(i, n, i % 3 === 0 ? 'default' : 'repaid', 10)) as LedgerRecord;
        if (i % 10 === 0) {
          s.parsed += 1;
          yield JSON.parse(outcomeLine(i, n, 'repaid', 15)) as LedgerRecord;
        }
      }
    },
  };
  return s;
};

const child = async (n: number, maxOutcomes: number | undefined): Promise<void> => {
  const src = source(n);
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const report = await computeReview(
    src,
    {
      from: new Date(START),
      to: new Date(START + 4 * WEEK),
      useCase: 'loan',
      attributes: [{ path: 'gender' }, { path: 'inputs.age', buckets: [30, 45, 60] }],
      positiveDecisions: ['approve'],
      positiveOutcomes: ['repaid'],
      ...(maxOutcomes === undefined ? {} : { maxOutcomesInMemory: maxOutcomes }),
    },
    new Date(START + 8 * WEEK),
  );
  const cpu = process.cpuUsage(cpuBefore);
  console.log(
    JSON.stringify({
      decisions: report.decisions,
      labelled: report.outcomes.labelled,
      parsed: src.parsed,
      seconds: (performance.now() - started) / 1000,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      maxRssKb: process.resourceUsage().maxRSS,
    }),
  );
};

const main = async (): Promise<void> => {
  const args = process.argv.slice(2);
  if (args[0] === '--child') {
    return child(Number(args[1]), args[2] === undefined ? undefined : Number(args[2]));
  }
  const large = Number(args[0] ?? 1_000_000);
  const small = Number(args[1] ?? 250_000);
  const maxOutcomes = args[2];
  let failed = false;
  for (const n of [small, large]) {
    const out = execFileSync(
      process.execPath,
      [
        fileURLToPath(import.meta.url),
        '--child',
        String(n),
        ...(maxOutcomes === undefined ? [] : [maxOutcomes]),
      ],
      {
        encoding: 'utf8',
      },
    );
    const f = JSON.parse(out.trim().split('\n').pop() as string);
    console.log(
      `fairness review: ${f.decisions} decisions (${f.labelled} with outcomes, ${f.parsed} records parsed) in ${f.seconds.toFixed(2)} s wall, ${f.cpuSeconds.toFixed(2)} CPU-s (target < 30 CPU-s at 1M); peak RSS ${(f.maxRssKb / 1024).toFixed(1)} MB`,
    );
    if (f.decisions !== n || f.labelled !== n) failed = true;
    // One core: CPU time is the figure a shared machine cannot inflate (wall time is printed).
    if (n === large && maxOutcomes === undefined && f.cpuSeconds >= 30) failed = true;
  }
  if (failed) process.exitCode = 1;
};

await main();
