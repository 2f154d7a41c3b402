import { detectCreditCard } from '#core/policy/detectors/credit-card.ts';
import { detectPhone, phoneParams } from '#core/policy/detectors/phone.ts';
import { detectNer } from '#core/policy/detectors/ner.ts';
import { detectIban } from '#core/policy/detectors/iban.ts';
import { loadCorpus, CORPORA } from '#test/eval/pii-metrics.ts';
const texts = CORPORA.flatMap((c) => loadCorpus(c.file).map((t) => t.text));
const bytes = texts.reduce((n, t) => n + t.length, 0);
const p = phoneParams.parse({});
for (const [name, f] of [['card', (t: string) => detectCreditCard(t, {})], ['phone', (t: string) => detectPhone(t, p)], ['iban', (t: string) => detectIban(t, {})], ['ner', (t: string) => detectNer(t, { entities: ['PERSON', 'LOCATION', 'ORGANIZATION'] })]] as const) {
  for (const t of texts) f(t);
  const s = performance.now(); for (let k = 0; k < 3; k++) for (const t of texts) f(t); const ms = performance.now() - s;
  console.log(name, (3 * bytes / 1e6 / (ms / 1000)).toFixed(2), 'MB/s');
}
