// one-off experiment harness (not committed)
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
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
import { lineOf } from '#test/helpers/archive-builder.ts';
import { verifyLocation } from '../../bin/commands/verify.ts';
import { sampleEvent } from './sample-event.ts';

const build = async (dir: string, chains: number, perChain: number): Promise<void> => {
  const archive = openFileArchive(join(dir, 'archive'));
  const signer = await loadOrCreateEd25519Signer(join(dir, 'signer'));
  await archive.put(keyFile(signer.keyName), Buffer.from(`${await signer.verifierKey()}\n`));
  for (let c = 0; c < chains; c++) {
    const chain = `app-${c.toString().padStart(3, '0')}`;
    const tree = createTreeBuilder();
    let prev = GENESIS_PREV;
    for (let from = 0; from < perChain; from += 10000) {
      const lines: string[] = [];
      for (let seq = from; seq < Math.min(perChain, from + 10000); seq++) {
        const at = new Date(1_735_689_600_000 + seq * 1000).toISOString();
        const record = sealRecord(
          {
            chain,
            seq,
            kind: 'inference',
            event_id: `${chain}-${seq}`,
            ingested_at: at,
            policy: { version: 'none', decision: 'pass', findings: [] },
            prev,
          },
          sampleEvent(seq, chain),
        );
        prev = record.hash;
        tree.pushRecordHash(record.hash);
        lines.push(`${lineOf(record)}\n`);
      }
      await archive.put(segmentKey(chain, from), Buffer.from(lines.join('')));
    }
    const text = formatCheckpoint({
      origin: checkpointOrigin(DEFAULT_LOG_NAME, chain),
      size: tree.size,
      root: tree.root(),
    });
    await archive.put(checkpointKey(chain, tree.size), Buffer.from(await signNote(text, signer)));
  }
};

const tasks = (): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const t of readdirSync('/proc/self/task')) {
    const comm = readFileSync(`/proc/self/task/${t}/comm`, 'utf8').trim();
    const stat = readFileSync(`/proc/self/task/${t}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(f[11]) + Number(f[12]);
    out[`${comm}#${t}`] = ticks * 10;
  }
  return out;
};

const args = process.argv.slice(2);
if (args[0] === 'build') {
  await build(args[1] as string, Number(args[2]), Number(args[3]));
} else if (args[0] === 'child') {
  const tasks0 = tasks();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let threads: unknown;
  const r = await verifyLocation(args[1] as string, {
    workers: Number(args[2]),
    onThreads: (t) => {
      threads = t
        .map((x) => `${x.thread}:${x.chains}c ${(x.totalMicros / 1000).toFixed(0)}ms`)
        .join(' ');
    },
  });
  const c = process.cpuUsage(cpu0);
  const main = process.threadCpuUsage();
  console.log(
    JSON.stringify({
      ok: r.ok,
      rec: r.records,
      wall: +((performance.now() - t0) / 1000).toFixed(2),
      cpu: +((c.user + c.system) / 1e6).toFixed(2),
      main: +((main.user + main.system) / 1e6).toFixed(2),
      threads,
      tasks: Object.fromEntries(Object.entries(tasks()).map(([k, v]) => [k, v - (tasks0[k] ?? 0)])),
      rss: Math.round(process.resourceUsage().maxRSS / 1024),
    }),
  );
} else {
  // run DIR workers reps [node flags...]
  const [dir, workers, reps, ...flags] = args.slice(1);
  for (let i = 0; i < Number(reps); i++) {
    const out = execFileSync(
      process.execPath,
      [
        ...flags,
        fileURLToPath(import.meta.url),
        'child',
        join(dir as string, 'archive'),
        workers as string,
      ],
      { encoding: 'utf8' },
    );
    console.log(`w=${workers} ${flags.join(' ')} ${out.trim()}`);
  }
}
