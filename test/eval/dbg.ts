import { detectAll, loadCorpus } from '#test/eval/pii-metrics.ts';
const [file, entity] = process.argv.slice(2);
for (const r of loadCorpus(file)) {
  const gold = r.spans.filter((s) => s.entity === entity).map((s) => r.text.slice(s.start, s.end));
  const pred = detectAll(r.text).filter((s) => s.entity === entity).map((s) => r.text.slice(s.start, s.end));
  const g = JSON.stringify(gold.sort()), p = JSON.stringify(pred.sort());
  if (g !== p) console.log(`G ${g}\nP ${p}\n  ${r.text.slice(0, 200)}`);
}
