/**
 * Micro-benchmark of the verifier's per-record work on one core: JSON.parse of an archive
 * line, checkRecord (envelope hash + body hash over a ~1 KB body) and the Merkle leaf push.
 *
 *   node test/bench/chain.bench.ts [records=200000]
 */
import { checkRecord, sealRecord } from '#core/chain/hash.ts';
import { createTreeBuilder } from '#core/chain/merkle.ts';
import { GENESIS_PREV, type LedgerRecord } from '#core/chain/record.ts';
import { sampleEvent } from './sample-event.ts';

const count = Number(process.argv[2] ?? 200_000);

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
    sampleEvent(seq),
  );
  prev = record.hash;
  lines.push(JSON.stringify(record));
}
const avgBody = JSON.stringify(sampleEvent(0)).length;
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
