/**
 * Old against new code, layout v1 against v2, under the same load (issue 7):
 *
 *   node test/bench/compare-trees.ts --bench ingest|append [--rounds 5] [--events 10000] <tree> …
 *
 * Each `<tree>` is a checkout of this repository (e.g. `git worktree add /tmp/main main`,
 * with node_modules linked). Each round starts, for every tree, `ingest.bench.ts --layout
 * v1|v2 --events N` (or `append.bench.ts --only processor … --records N`) **all at once**, so
 * every process sees the same load at the same moment: on a shared machine, runs one after
 * another swing ±30% with the others' work. Prints each process's CPU µs per event, the
 * median per tree and layout, and per tree the median of the rounds' v2/v1 ratios.
 */
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { median } from './stats.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    bench: { type: 'string', default: 'ingest' },
    rounds: { type: 'string', default: '5' },
    events: { type: 'string', default: '10000' },
  },
});
const ingest = values.bench === 'ingest';
const layouts = ['v1', 'v2'] as const;
const runs = positionals.flatMap((tree) => layouts.map((layout) => ({ tree, layout })));

/** One bench process in `tree`: its CPU µs per event or record. */
const cpuOf = (tree: string, layout: string): Promise<number> =>
  new Promise((resolve, reject) => {
    const args = ingest
      ? [join(tree, 'test/bench/ingest.bench.ts'), '--layout', layout, '--events', values.events]
      : [
          join(tree, 'test/bench/append.bench.ts'),
          '--only',
          'processor',
          '--layout',
          layout,
        ].concat(['--records', values.events]);
    const child = spawn(process.execPath, args, {
      cwd: tree,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    // 'close', not 'exit': the stdout pipe may still hold the last line when the process exits.
    child.once('close', () => {
      const found = /CPU ([0-9.]+) µs\/(event|record)/.exec(out);
      if (found) resolve(Number(found[1]));
      else reject(new Error(`bench in ${tree} (${layout}) printed no CPU figure: ${out}`));
    });
  });

const load = (): string =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');
console.log(`${values.bench}: ${values.rounds} rounds, load average ${load()}`);
const figures = runs.map(() => [] as number[]);
for (let round = 1; round <= Number(values.rounds); round++) {
  const got = await Promise.all(runs.map((r) => cpuOf(r.tree, r.layout)));
  for (const [i, cpu] of got.entries()) figures[i]?.push(cpu);
  const line = runs.map((r, i) => `${r.tree} ${r.layout} ${got[i]?.toFixed(1)}`).join(' | ');
  console.log(`round ${round} (load ${loadavg()[0]?.toFixed(1)}): ${line}`);
}
runs.forEach((r, i) => {
  console.log(`${r.tree} ${r.layout}: median ${median(figures[i] ?? []).toFixed(1)} µs`);
});
for (const [t, tree] of positionals.entries()) {
  const v1 = figures[2 * t] ?? [];
  const v2 = figures[2 * t + 1] ?? [];
  const ratios = v2.map((x, i) => x / (v1[i] as number));
  console.log(
    `${tree}: median v2/v1 of rounds ${median(ratios).toFixed(3)} (${ratios.map((x) => x.toFixed(2)).join(', ')}); target ≤ 1.10`,
  );
}
console.log(`load average at end ${load()}`);
