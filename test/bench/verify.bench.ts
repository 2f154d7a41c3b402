/**
 * Verify throughput and peak memory on one core: builds an archive of records with ~1 KB
 * bodies in a temp dir (segments of 10,000 records, a signed checkpoint every 100,000), then
 * runs `verifyArchive` over it in a child process and reads the child's peak RSS.
 *
 *   node test/bench/verify.bench.ts [records=1000000] [--format laid-out|json]
 *
 * Targets: ≥ 200,000 records/s and peak RSS ≤ 150 MB at 1M records.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadOrCreateEd25519Signer } from '#adapters/local/ed25519-signer.ts';
import { openFileArchive } from '#adapters/local/file-archive.ts';
import { checkpointKey, keyFile, segmentKey } from '#core/archive/layout.ts';
import { checkpointOrigin, DEFAULT_LOG_NAME, formatCheckpoint } from '#core/chain/checkpoint.ts';
import { sealRecord } from '#core/chain/hash.ts';
import { createTreeBuilder } from '#core/chain/merkle.ts';
import { signNote } from '#core/chain/note.ts';
import { GENESIS_PREV } from '#core/chain/record.ts';
import { type LineFormat, lineOf } from '#test/helpers/archive-builder.ts';
import { verifyLocation } from '../../bin/commands/verify.ts';
import { sampleEvent } from './sample-event.ts';

const SEGMENT_RECORDS = 10_000;
const CHECKPOINT_EVERY = 100_000;
const CHAIN = 'support-assistant';

const build = async (dir: string, count: number, format: LineFormat): Promise<number> => {
  const archive = openFileArchive(join(dir, 'archive'));
  const signer = await loadOrCreateEd25519Signer(join(dir, 'signer'));
  await archive.put(keyFile(signer.keyName), Buffer.from(`${await signer.verifierKey()}\n`));
  const tree = createTreeBuilder();
  let prev = GENESIS_PREV;
  let bytes = 0;
  for (let from = 0; from < count; from += SEGMENT_RECORDS) {
    const lines: string[] = [];
    for (let seq = from; seq < Math.min(count, from + SEGMENT_RECORDS); seq++) {
      const at = new Date(1_735_689_600_000 + seq * 1000).toISOString();
      const record = sealRecord(
        {
          chain: CHAIN,
          seq,
          kind: 'inference',
          event_id: `evt-${seq.toString().padStart(10, '0')}`,
          ingested_at: at,
          occurred_at: at,
          policy: { version: 'none', decision: 'pass', findings: [] },
          prev,
        },
        sampleEvent(seq, CHAIN),
      );
      prev = record.hash;
      tree.pushRecordHash(record.hash);
      lines.push(`${lineOf(record, format)}\n`);
      if (tree.size % CHECKPOINT_EVERY === 0 || tree.size === count) {
        const text = formatCheckpoint({
          origin: checkpointOrigin(DEFAULT_LOG_NAME, CHAIN),
          size: tree.size,
          root: tree.root(),
        });
        const note = await signNote(text, signer);
        await archive.put(checkpointKey(CHAIN, tree.size), Buffer.from(note));
      }
    }
    const segment = Buffer.from(lines.join(''));
    bytes += segment.length;
    await archive.put(segmentKey(CHAIN, from), segment);
  }
  return bytes;
};

/** Child: verify and print the figures as one JSON line. */
const verifyChild = async (archiveDir: string): Promise<void> => {
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const report = await verifyLocation(archiveDir);
  const cpu = process.cpuUsage(cpuBefore);
  const seconds = (performance.now() - started) / 1000;
  const figures = {
    ok: report.ok,
    records: report.records,
    faults: report.faults.length,
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    maxRssKb: process.resourceUsage().maxRSS,
  };
  console.log(JSON.stringify(figures));
};

const main = async (): Promise<void> => {
  const args = process.argv.slice(2);
  if (args[0] === '--child') return verifyChild(args[1] as string);
  const formatAt = args.indexOf('--format');
  const format = (formatAt >= 0 ? args[formatAt + 1] : 'laid-out') as LineFormat;
  const count = Number(args.find((a) => /^\d+$/.test(a)) ?? 1_000_000);
  const dir = await mkdtemp(join(tmpdir(), 'verify-bench-'));
  try {
    const t0 = performance.now();
    const bytes = await build(dir, count, format);
    const buildSeconds = (performance.now() - t0) / 1000;
    console.log(
      `built ${count} records (${format} lines, ${(bytes / 1e6).toFixed(0)} MB) in ${buildSeconds.toFixed(1)} s`,
    );
    const out = execFileSync(
      process.execPath,
      [fileURLToPath(import.meta.url), '--child', join(dir, 'archive')],
      { encoding: 'utf8', maxBuffer: 1 << 20 },
    );
    const figures = JSON.parse(out.trim().split('\n').pop() as string);
    const rate = Math.round(figures.records / figures.seconds);
    const cpuRate = Math.round(figures.records / figures.cpuSeconds);
    const rssMb = figures.maxRssKb / 1024;
    console.log(
      `verify: ${figures.records} records in ${figures.seconds.toFixed(2)} s = ${rate} records/s wall, ${cpuRate} records per CPU-second (target ≥ 200000); peak RSS ${rssMb.toFixed(1)} MB (target ≤ 150); ok=${figures.ok}`,
    );
    if (!figures.ok || figures.records !== count) process.exitCode = 1;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};

await main();
