/**
 * Precision, recall and F1 per entity of the PII detectors over labelled corpora: the
 * generated one in test/fixtures/pii-eval and the independent ones in
 * test/fixtures/pii-independent (see SOURCE.md in each). Structured entities count only exact spans as true positives;
 * names, places, organisations and dates count a prediction whose overlap with a gold
 * span of the same entity is at least half their union (IoU ≥ 0.5).
 */
import { readFileSync } from 'node:fs';
import type { Match } from '#core/policy/detector.ts';
import { detectCreditCard } from '#core/policy/detectors/credit-card.ts';
import { detectDateTime } from '#core/policy/detectors/date-time.ts';
import { detectEmail } from '#core/policy/detectors/email.ts';
import { detectIban } from '#core/policy/detectors/iban.ts';
import { detectIpAddress } from '#core/policy/detectors/ip-address.ts';
import { detectNer } from '#core/policy/detectors/ner.ts';
import { detectPhone, phoneParams } from '#core/policy/detectors/phone.ts';
import { detectUsSsn } from '#core/policy/detectors/us-ssn.ts';

/** One labelled text of the corpus. */
export interface LabelledText {
  readonly id: number;
  readonly text: string;
  readonly spans: readonly {
    readonly entity: string;
    readonly start: number;
    readonly end: number;
  }[];
}

export interface EntityScore {
  readonly entity: string;
  readonly gold: number;
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

/** Targets of issue 3: minimum precision and recall per entity. */
export const TARGETS: Readonly<
  Record<string, { readonly precision: number; readonly recall: number }>
> = {
  EMAIL_ADDRESS: { precision: 0.97, recall: 0.95 },
  PHONE_NUMBER: { precision: 0.97, recall: 0.95 },
  CREDIT_CARD: { precision: 0.97, recall: 0.95 },
  IBAN_CODE: { precision: 0.97, recall: 0.95 },
  US_SSN: { precision: 0.97, recall: 0.95 },
  IP_ADDRESS: { precision: 0.97, recall: 0.95 },
  PERSON: { precision: 0.85, recall: 0.8 },
};

const FUZZY = new Set(['PERSON', 'LOCATION', 'ORGANIZATION', 'DATE_TIME']);

/** Entities whose spans are values with a fixed grammar: scored on exact spans. */
export const STRUCTURED = [
  'EMAIL_ADDRESS',
  'PHONE_NUMBER',
  'CREDIT_CARD',
  'IBAN_CODE',
  'US_SSN',
  'IP_ADDRESS',
] as const;

/** One labelled corpus and the entities it labels (others are neither gold nor scored). */
export interface CorpusInfo {
  readonly name: string;
  readonly file: string;
  /** Written by this project (`make-pii-corpus.ts`) or by a third party. */
  readonly independent: boolean;
  /** Entities scored; undefined: every entity. */
  readonly entities?: readonly string[];
}

export const CORPORA: readonly CorpusInfo[] = [
  { name: 'generated', file: 'pii-eval/corpus.jsonl', independent: false },
  {
    name: 'nannigalaxy',
    file: 'pii-independent/nannigalaxy/corpus.jsonl',
    independent: true,
    entities: ['EMAIL_ADDRESS', 'PHONE_NUMBER', 'CREDIT_CARD', 'IBAN_CODE', 'US_SSN', 'PERSON'],
  },
  {
    name: 'wnut17',
    file: 'pii-independent/wnut17/corpus.jsonl',
    independent: true,
    entities: ['PERSON'],
  },
  {
    name: 'wikiann-en',
    file: 'pii-independent/wikiann-en/corpus.jsonl',
    independent: true,
    entities: ['PERSON'],
  },
  {
    name: 'pl-pii-bench',
    file: 'pii-independent/pl-pii-bench/corpus.jsonl',
    independent: true,
    entities: ['EMAIL_ADDRESS', 'PHONE_NUMBER', 'CREDIT_CARD', 'IBAN_CODE', 'PERSON'],
  },
];

/** A corpus under test/fixtures (the generated one by default). */
export const loadCorpus = (file = 'pii-eval/corpus.jsonl'): LabelledText[] =>
  readFileSync(new URL(`../fixtures/${file}`, import.meta.url), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as LabelledText);

/** Every PII detector with the parameters of the default policy, plus all NER types. */
export const detectAll = (text: string): Match[] => [
  ...detectEmail(text, {}),
  ...detectPhone(text, phoneParams.parse({})),
  ...detectCreditCard(text, {}),
  ...detectIban(text, {}),
  ...detectUsSsn(text, { bare_digits_with_context: true }),
  ...detectIpAddress(text, { include_private: true }),
  ...detectNer(text, { entities: ['PERSON', 'LOCATION', 'ORGANIZATION'] }),
  ...detectDateTime(text, {}),
];

const same = (
  entity: string,
  a: { start: number; end: number },
  b: { start: number; end: number },
): boolean => {
  if (!FUZZY.has(entity)) return a.start === b.start && a.end === b.end;
  const overlap = Math.min(a.end, b.end) - Math.max(a.start, b.start);
  return overlap > 0 && overlap / (Math.max(a.end, b.end) - Math.min(a.start, b.start)) >= 0.5;
};

/** A system under evaluation: spans with entity names as ours. */
export type Detect = (text: string) => readonly Match[];

/**
 * Scores per entity over the corpus (each gold span matched at most once). With `scored`,
 * only those entities count, as gold and as predictions.
 */
export const scoreCorpus = (
  corpus: readonly LabelledText[],
  detect: Detect = detectAll,
  scored?: readonly string[],
): EntityScore[] => {
  const wanted = scored === undefined ? undefined : new Set(scored);
  const counts = new Map<string, { gold: number; tp: number; fp: number; fn: number }>();
  const at = (e: string) => {
    const c = counts.get(e) ?? { gold: 0, tp: 0, fp: 0, fn: 0 };
    counts.set(e, c);
    return c;
  };
  for (const { text, spans: all } of corpus) {
    const spans = all.filter((s) => s.entity !== 'OTHER' && (wanted?.has(s.entity) ?? true));
    // Spans the corpus labels as another entity: a prediction on one is not counted.
    const other = all.filter((s) => s.entity === 'OTHER');
    const used = new Set<number>();
    for (const s of spans) at(s.entity).gold++;
    for (const p of detect(text)) {
      if (wanted !== undefined && !wanted.has(p.entity)) continue;
      if (other.some((o) => o.start < p.end && p.start < o.end)) continue;
      const i = spans.findIndex(
        (g, k) => !used.has(k) && g.entity === p.entity && same(p.entity, g, p),
      );
      if (i >= 0) {
        used.add(i);
        at(p.entity).tp++;
      } else {
        at(p.entity).fp++;
      }
    }
    spans.forEach((g, k) => {
      if (!used.has(k)) at(g.entity).fn++;
    });
  }
  return [...counts]
    .map(([entity, c]) => {
      const precision = c.tp + c.fp === 0 ? 1 : c.tp / (c.tp + c.fp);
      const recall = c.tp + c.fn === 0 ? 1 : c.tp / (c.tp + c.fn);
      const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
      return { entity, ...c, precision, recall, f1 };
    })
    .sort((a, b) => a.entity.localeCompare(b.entity));
};

/** Entities that miss their target, with the reason (only `entities` when given). */
export const missedTargets = (
  scores: readonly EntityScore[],
  entities: readonly string[] = Object.keys(TARGETS),
): string[] =>
  Object.entries(TARGETS).flatMap(([entity, t]) => {
    if (!entities.includes(entity)) return [];
    const s = scores.find((x) => x.entity === entity);
    if (s === undefined) return [`${entity}: not in corpus`];
    const misses: string[] = [];
    if (s.precision < t.precision)
      misses.push(`${entity} precision ${s.precision.toFixed(3)} < ${t.precision}`);
    if (s.recall < t.recall) misses.push(`${entity} recall ${s.recall.toFixed(3)} < ${t.recall}`);
    return misses;
  });
