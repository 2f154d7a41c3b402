/**
 * Lists the errors of one entity on a labelled corpus, to study them by class:
 * `node test/eval/pii-errors.ts <corpus.jsonl> [ENTITY] [fp|fn]`. Meant for development
 * splits (see `import-corpora.ts --out`), never for the scored corpora, so that no rule is
 * fitted to the texts that measure it.
 */
import { readFileSync } from 'node:fs';
import { detectAll, type LabelledText, scoreCorpus } from './pii-metrics.ts';

const [file, entity = 'PERSON', which = 'fp'] = process.argv.slice(2);
if (file === undefined) throw new Error('usage: pii-errors.ts <corpus.jsonl> [ENTITY] [fp|fn]');
const corpus = readFileSync(file, 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as LabelledText);

const overlaps = (
  a: { start: number; end: number },
  b: { start: number; end: number },
): boolean => {
  const o = Math.min(a.end, b.end) - Math.max(a.start, b.start);
  return o > 0 && o / (Math.max(a.end, b.end) - Math.min(a.start, b.start)) >= 0.5;
};
let n = 0;
for (const { text, spans } of corpus) {
  const gold = spans.filter((s) => s.entity === entity);
  const found = detectAll(text).filter((m) => m.entity === entity);
  const errors =
    which === 'fp'
      ? found.filter((p) => !gold.some((g) => overlaps(g, p)))
      : gold.filter((g) => !found.some((p) => overlaps(g, p)));
  for (const e of errors) {
    n++;
    const other = (which === 'fp' ? gold : found).map((s) => text.slice(s.start, s.end));
    console.log(`${text.slice(e.start, e.end)}\t|| ${text}\t|| ${other.join(' ; ')}`);
  }
}
const score = scoreCorpus(corpus, detectAll, [entity])[0];
console.error(
  `${n} ${which} of ${entity} in ${corpus.length} texts; precision ${score?.precision.toFixed(3)}, recall ${score?.recall.toFixed(3)}`,
);
