/** `npm run eval:pii`: precision, recall and F1 per entity; exits 1 if a target is missed. */
import { loadCorpus, missedTargets, scoreCorpus } from './pii-metrics.ts';

const scores = scoreCorpus(loadCorpus());
const row = (cells: readonly (string | number)[]): string =>
  cells.map((c, i) => String(c).padStart(i === 0 ? 14 : 9)).join(' ');
console.log(row(['entity', 'gold', 'tp', 'fp', 'fn', 'precision', 'recall', 'f1']));
for (const s of scores) {
  console.log(
    row([
      s.entity,
      s.gold,
      s.tp,
      s.fp,
      s.fn,
      s.precision.toFixed(3),
      s.recall.toFixed(3),
      s.f1.toFixed(3),
    ]),
  );
}
const misses = missedTargets(scores);
for (const m of misses) console.error(`target missed: ${m}`);
process.exitCode = misses.length === 0 ? 0 : 1;
