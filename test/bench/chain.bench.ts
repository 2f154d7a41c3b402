/**
 * Micro-benchmark of the verifier's per-record work on one core: JSON.parse of an archive
 * line, checkRecord (envelope hash + body hash over a ~1 KB body) and the Merkle leaf push.
 *
 *   node test/bench/chain.bench.ts [records=200000]
 */
import { checkRecord, sealRecord } from '#core/chain/hash.ts';
import { createTreeBuilder } from '#core/chain/merkle.ts';
import { GENESIS_PREV, type LedgerRecord } from '#core/chain/record.ts';

const count = Number(process.argv[2] ?? 200_000);

/** A realistic inference event of about 1 KB, different per record. */
const bodyOf = (i: number): unknown => ({
  event_id: `evt-${i.toString().padStart(10, '0')}`,
  timestamp: new Date(1_735_689_600_000 + i * 1000).toISOString(),
  system: 'support-assistant',
  input: {
    messages: [
      { role: 'system', content: 'You are a helpful support assistant for ACME Corp. '.repeat(3) },
      {
        role: 'user',
        content: `Where is my order ${i}? It was due last week and has not arrived.`,
      },
    ],
  },
  output: {
    content: `Order ${i} shipped on Monday and should arrive within two business days. `.repeat(3),
  },
  model: { provider: 'openai', name: 'gpt-4o', parameters: { temperature: 0.2, max_tokens: 512 } },
  user: { id: `user-${i % 977}`, locale: 'en-GB' },
  channel: 'web-chat',
  metadata: { region: 'eu-west-1', session: `s-${(i * 7919).toString(16).padStart(12, '0')}` },
  latency_ms: 412 + (i % 100),
  tags: ['support', 'orders', 'tier-2'],
  policy_checks: [
    { name: 'pii', result: 'pass' },
    { name: 'toxicity', result: 'pass', score: 0.013 },
  ],
});

const lines: string[] = [];
let prev = GENESIS_PREV;
for (let seq = 0; seq < count; seq++) {
  const record = sealRecord(
    {
      chain: 'support-assistant',
      seq,
      kind: 'inference',
      event_id: `evt-${seq.toString().padStart(10, '0')}`,
      ingested_at: new Date(1_735_689_600_000 + seq * 1000).toISOString(),
      occurred_at: new Date(1_735_689_600_000 + seq * 1000 - 250).toISOString(),
      policy: { version: 'none', decision: 'pass', findings: [] },
      prev,
    },
    bodyOf(seq),
  );
  prev = record.hash;
  lines.push(JSON.stringify(record));
}
const avgBody = JSON.stringify(bodyOf(0)).length;
const avgLine = lines.reduce((n, l) => n + l.length, 0) / lines.length;

const verify = (): number => {
  const tree = createTreeBuilder();
  let link = GENESIS_PREV;
  let faults = 0;
  for (const line of lines) {
    const record = JSON.parse(line) as LedgerRecord;
    const check = checkRecord(record);
    if (!check.hash || check.body !== 'ok' || record.prev !== link) faults++;
    link = record.hash;
    tree.pushRecordHash(record.hash);
  }
  if (faults > 0) throw new Error(`${faults} faults in an untouched chain`);
  return tree.size;
};

verify(); // warm-up
const runs = 3;
let best = Number.POSITIVE_INFINITY;
for (let r = 0; r < runs; r++) {
  const start = process.hrtime.bigint();
  verify();
  best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9);
}
const perSecond = Math.round(count / best);
console.log(
  `chain verify: ${count} records, body ${avgBody} B, line ${Math.round(avgLine)} B: ` +
    `${perSecond.toLocaleString('en-US')} records/s (${((best * 1e6) / count).toFixed(2)} µs/record, best of ${runs})`,
);
