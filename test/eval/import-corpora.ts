/**
 * Converts the independent labelled corpora into the eval format (`{id, text, spans}`,
 * UTF-16 offsets, end exclusive) under test/fixtures/pii-independent/<name>/corpus.jsonl.
 * Run once per source and commit the output with the source's licence (see SOURCE.md in
 * each folder): `node test/eval/import-corpora.ts <name> <source file>`.
 *
 * - `nannigalaxy`: dataset/pii_syn_nano_en.json of Nannigalaxy/PII-synthetic_dataset
 *   (MIT): labels are entity strings, located in the text in order.
 * - `wnut17`: WNUT17/emerging.test.annotated (CoNLL columns) of the WNUT 2017 shared task
 *   on emerging entities (CC BY 4.0): `person` becomes PERSON.
 * - `wikiann-en`: WikiANN/en/test (CoNLL columns, `en:` prefixes): `PER` becomes PERSON.
 * - `pl-pii-bench`: a folder of pl-pii-bench documents (`corpus/<lane>/*.json`, CC BY 4.0),
 *   one text per document with its character offsets: PHONE, EMAIL, IBAN, PAYMENT_CARD
 *   and PERSON become PHONE_NUMBER, EMAIL_ADDRESS, IBAN_CODE, CREDIT_CARD and PERSON; every
 *   other label (PESEL, NIP, addresses, dates…) is kept as `OTHER`.
 * CoNLL tokens are joined by single spaces; the first `limit` sentences are kept.
 *
 * `--out <file>` writes elsewhere (and `--limit <n>` keeps n sentences): how a development
 * split (WikiANN's `dev`, never the scored `test`) is converted for `pii-errors.ts`.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';

interface Span {
  entity: string;
  start: number;
  end: number;
}
interface Labelled {
  id: number;
  text: string;
  spans: Span[];
}

const NANNIGALAXY_LABELS: Readonly<Record<string, string>> = {
  EMAIL: 'EMAIL_ADDRESS',
  PHONE: 'PHONE_NUMBER',
  SSN: 'US_SSN',
  CREDIT_CARD: 'CREDIT_CARD',
  IBAN: 'IBAN_CODE',
  PERSON: 'PERSON',
  IP_ADDRESS: 'IP_ADDRESS',
};

const fromNannigalaxy = (raw: string): Labelled[] =>
  (JSON.parse(raw) as { text: string; NER: { entity?: string; label: string }[] }[]).map(
    (r, id) => {
      const spans: Span[] = [];
      for (const n of r.NER) {
        // Other labels are kept as `OTHER`: a prediction on them (an e-mail labelled USERID)
        // is neither right nor wrong, since the corpus does not score that entity.
        const entity = NANNIGALAXY_LABELS[n.label] ?? 'OTHER';
        if (n.entity === undefined) continue;
        // The next copy not already labelled (a name may be labelled twice).
        let at = r.text.indexOf(n.entity);
        while (at >= 0 && spans.some((s) => s.start === at)) at = r.text.indexOf(n.entity, at + 1);
        if (at >= 0) spans.push({ entity, start: at, end: at + n.entity.length });
      }
      return { id, text: r.text, spans };
    },
  );

const PL_PII_LABELS: Readonly<Record<string, string>> = {
  PHONE: 'PHONE_NUMBER',
  EMAIL: 'EMAIL_ADDRESS',
  IBAN: 'IBAN_CODE',
  PAYMENT_CARD: 'CREDIT_CARD',
  PERSON: 'PERSON',
};

/** pl-pii-bench documents (one JSON file each, sorted by name) → texts with their spans. */
const fromPlPiiBench = (dir: string): Labelled[] =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f, id) => {
      const doc = JSON.parse(readFileSync(`${dir}/${f}`, 'utf8')) as {
        text: string;
        entities: { text: string; label: string; start: number; end: number }[];
      };
      const spans = doc.entities.map((e) => {
        // Offsets count code points; the eval counts UTF-16 units, as JavaScript does.
        const start = [...doc.text].slice(0, e.start).join('').length;
        const end = start + [...doc.text].slice(e.start, e.end).join('').length;
        if (doc.text.slice(start, end) !== e.text)
          throw new Error(`${f}: ${e.text} not at ${e.start}`);
        return { entity: PL_PII_LABELS[e.label] ?? 'OTHER', start, end };
      });
      return { id, text: doc.text, spans };
    });

/** CoNLL two-column sentences (token, BIO tag) → texts with spans of the mapped labels. */
const fromConll = (
  raw: string,
  labels: Readonly<Record<string, string>>,
  limit: number,
  strip = '',
): Labelled[] => {
  const out: Labelled[] = [];
  for (const block of raw.split(/\n\s*\n/)) {
    const rows = block
      .split('\n')
      .map((l) => l.split('\t'))
      .filter((c) => c.length >= 2 && c[0] !== undefined && c[0] !== '');
    if (rows.length === 0) continue;
    let text = '';
    const spans: Span[] = [];
    let open: Span | undefined;
    for (const [rawToken, tag = 'O'] of rows) {
      const token =
        strip !== '' && rawToken?.startsWith(strip)
          ? rawToken.slice(strip.length)
          : (rawToken ?? '');
      if (text !== '') text += ' ';
      const start = text.length;
      text += token;
      const [bio, type] = tag.split('-', 2) as [string, string | undefined];
      const entity = type === undefined ? undefined : labels[type];
      if (open !== undefined && (bio !== 'I' || entity !== open.entity)) {
        spans.push(open);
        open = undefined;
      }
      if (entity !== undefined && (bio === 'B' || (bio === 'I' && open === undefined)))
        open = { entity, start, end: text.length };
      else if (entity !== undefined && open !== undefined) open.end = text.length;
    }
    if (open !== undefined) spans.push(open);
    out.push({ id: out.length, text, spans });
    if (out.length >= limit) break;
  }
  return out;
};

const args = process.argv.slice(2);
const option = (flag: string): string | undefined => {
  const i = args.indexOf(flag);
  return i < 0 ? undefined : args.splice(i, 2)[1];
};
const out = option('--out');
const limit = Number(option('--limit') ?? 600);
const [name, file] = args;
if (name === undefined || file === undefined)
  throw new Error(
    'usage: import-corpora.ts <nannigalaxy|wnut17|wikiann-en|pl-pii-bench> <file or folder>',
  );
const raw = name === 'pl-pii-bench' ? '' : readFileSync(file, 'utf8');
const corpus =
  name === 'pl-pii-bench'
    ? fromPlPiiBench(file)
    : name === 'nannigalaxy'
      ? fromNannigalaxy(raw)
      : name === 'wnut17'
        ? fromConll(raw, { person: 'PERSON' }, limit)
        : name === 'wikiann-en'
          ? fromConll(raw, { PER: 'PERSON' }, limit, 'en:')
          : undefined;
if (corpus === undefined) throw new Error(`unknown corpus ${name}`);
const dir = new URL(`../fixtures/pii-independent/${name}/`, import.meta.url);
if (out === undefined) mkdirSync(dir, { recursive: true });
writeFileSync(
  out ?? new URL('corpus.jsonl', dir),
  `${corpus.map((r) => JSON.stringify(r)).join('\n')}\n`,
);
console.log(
  `${name}: ${corpus.length} texts, ${corpus.reduce((n, r) => n + r.spans.length, 0)} spans`,
);
