// CPU-seconds of `npm test`, per test file: each file runs alone in its own `vitest run`
// under GNU time, which reports the user + system CPU of the whole process tree it waited
// for (Vitest, its workers, and the JVMs, s3rver, Chromium and CLI processes they reaped).
// CPU, not wall time, so the figure holds on a machine shared with other jobs. Each run pays
// Vitest's own start-up and a DynamoDB Local start that the full run shares between files,
// so the sum is above what one `npm test` spends; compare sums taken the same way.
//   node test/bench/suite-cpu.ts [--jobs 2] [--out file.tsv] [path filters...]
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const args = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const [value] = args.splice(i, 2).slice(1);
  return value ?? fallback;
};
const jobs = Number(option('--jobs', '2'));
const out = option('--out', '.tmp/suite-cpu.tsv');
// .tmp/ is git-ignored, so a fresh checkout has none: made before the long run, not after it.
mkdirSync(dirname(out), { recursive: true });
const filters = args;

const walk = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? walk(join(dir, e.name))
      : e.name.endsWith('.test.ts')
        ? [join(dir, e.name)]
        : [],
  );
const files = walk('test')
  .map((f) => relative('.', f))
  .filter((f) => filters.length === 0 || filters.some((w) => f.startsWith(w)))
  .sort();

interface Row {
  file: string;
  cpu: number;
  status: number;
}

const measure = (file: string): Promise<Row> =>
  new Promise((resolve) => {
    const child = spawn(
      '/usr/bin/time',
      ['-f', 'CPU %U %S', 'node_modules/.bin/vitest', 'run', '--reporter=dot', file],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { ...process.env, AUDIT_TRAIL_TEST_WORKERS: '1' },
      },
    );
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('close', (status) => {
      const m = /CPU ([\d.]+) ([\d.]+)\s*$/.exec(err);
      const cpu = m ? Number(m[1]) + Number(m[2]) : Number.NaN;
      resolve({ file, cpu, status: status ?? -1 });
    });
  });

const rows: Row[] = [];
const queue = [...files];
await Promise.all(
  Array.from({ length: jobs }, async () => {
    for (let file = queue.shift(); file; file = queue.shift()) {
      const row = await measure(file);
      rows.push(row);
      console.log(`${row.cpu.toFixed(1)}\t${row.status}\t${file}`);
    }
  }),
);
rows.sort((a, b) => b.cpu - a.cpu);
const total = rows.reduce((s, r) => s + r.cpu, 0);
writeFileSync(
  out,
  `${rows.map((r) => `${r.cpu.toFixed(1)}\t${r.status}\t${r.file}`).join('\n')}\n`,
);
console.log(`total ${total.toFixed(0)} CPU-s over ${rows.length} files (${out})`);
const failed = rows.filter((r) => r.status !== 0);
if (failed.length > 0) console.log(`failed: ${failed.map((r) => r.file).join(' ')}`);
