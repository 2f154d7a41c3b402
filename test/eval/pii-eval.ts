/**
 * `npm run eval:pii`: precision, recall and F1 per entity on the generated corpus and on
 * the independent ones, for our detectors and, in the same run, for the redactors
 * TypeScript users pick today; throughput (MB/s) of each over all texts. `--markdown`
 * prints the tables for docs/BENCHMARKS.md. Exits 1 if a target is missed.
 */
import type { Match } from '#core/policy/detector.ts';
import {
  CORPORA,
  detectAll,
  type EntityScore,
  type LabelledText,
  loadCorpus,
  missedTargets,
  scoreCorpus,
} from './pii-metrics.ts';
import { PEERS } from './pii-peers.ts';

const markdown = process.argv.includes('--markdown');
const corpora = CORPORA.map((info) => ({ info, texts: loadCorpus(info.file) }));
const allTexts = corpora.flatMap((c) => c.texts.map((t) => t.text));
const bytes = allTexts.reduce((n, t) => n + Buffer.byteLength(t), 0);

/**
 * Runs a system over every text twice: the first pass gives its spans per text and warms
 * it up (JIT, lazy tables), the second is timed for its throughput.
 */
const run = async (
  detect: (text: string) => readonly Match[] | Promise<readonly Match[]>,
): Promise<{ spans: Map<string, readonly Match[]>; mbps: number }> => {
  const spans = new Map<string, readonly Match[]>();
  for (const text of allTexts) if (!spans.has(text)) spans.set(text, await detect(text));
  const started = performance.now();
  for (const text of allTexts) await detect(text);
  const seconds = (performance.now() - started) / 1000;
  return { spans, mbps: bytes / 1e6 / seconds };
};

// One after the other, so no system's time includes another's.
const systems = [{ name: 'ai-audit-trail', ...(await run(detectAll)) }];
for (const p of PEERS) systems.push({ name: p.name, ...(await run(p.detect)) });

const fmt = (n: number): string => n.toFixed(3);
const row = (cells: readonly (string | number)[]): string =>
  markdown
    ? `| ${cells.join(' | ')} |`
    : cells.map((c, i) => String(c).padStart(i === 0 ? 30 : 9)).join(' ');
const print = (
  corpus: readonly LabelledText[],
  name: string,
  scores: readonly EntityScore[],
): void => {
  console.log(markdown ? `\n**${name}** (${corpus.length} texts)\n` : `\n== ${name}`);
  console.log(row(['system / entity', 'gold', 'tp', 'fp', 'fn', 'precision', 'recall', 'f1']));
  if (markdown) console.log(row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:']));
  for (const s of scores)
    console.log(
      row([s.entity, s.gold, s.tp, s.fp, s.fn, fmt(s.precision), fmt(s.recall), fmt(s.f1)]),
    );
};

const misses: string[] = [];
for (const { info, texts } of corpora) {
  for (const system of systems) {
    const scores = scoreCorpus(texts, (t) => system.spans.get(t) ?? [], info.entities).map((s) => ({
      ...s,
      entity: `${system.name} ${s.entity}`,
    }));
    print(
      texts,
      `${info.name}${info.independent ? ' (independent)' : ' (generated)'}: ${system.name}`,
      scores,
    );
    if (system.name === 'ai-audit-trail') {
      const plain = scoreCorpus(texts, detectAll, info.entities);
      for (const m of missedTargets(plain, info.entities ?? undefined))
        misses.push(`${info.name}: ${m}`);
    }
  }
}
console.log(
  markdown
    ? `\n| system | MB/s over all ${allTexts.length} texts |\n| --- | ---: |`
    : '\n== throughput over all texts',
);
for (const s of systems) console.log(row([s.name, s.mbps.toFixed(2)]));
for (const m of misses) console.error(`target missed: ${m}`);
process.exitCode = misses.length === 0 ? 0 : 1;
