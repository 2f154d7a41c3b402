import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { alignRedaction } from '#test/eval/align-redaction.ts';
import {
  CORPORA,
  loadCorpus,
  missedTargets,
  scoreCorpus,
  TARGETS,
} from '#test/eval/pii-metrics.ts';

describe('PII evaluation corpus', () => {
  const corpus = loadCorpus();
  const scores = scoreCorpus(corpus);

  it('holds at least 500 labelled spans over every entity type', () => {
    const spans = corpus.flatMap((r) => r.spans);
    expect(spans.length).toBeGreaterThanOrEqual(500);
    expect(new Set(spans.map((s) => s.entity))).toEqual(
      new Set([
        'EMAIL_ADDRESS',
        'PHONE_NUMBER',
        'CREDIT_CARD',
        'IBAN_CODE',
        'US_SSN',
        'IP_ADDRESS',
        'PERSON',
        'LOCATION',
        'ORGANIZATION',
        'DATE_TIME',
      ]),
    );
  });

  it.each(Object.keys(TARGETS))('%s meets its precision and recall targets', (entity) => {
    expect(missedTargets(scores).filter((m) => m.startsWith(`${entity} `))).toEqual([]);
    expect(scores.find((s) => s.entity === entity)?.tp).toBeGreaterThan(0);
  });
});

describe('independent PII corpora', () => {
  it.each(CORPORA.filter((c) => c.independent))(
    '$name ships with its licence and source, and holds labelled spans of what it scores',
    (info) => {
      const dir = new URL(
        `../../fixtures/${info.file.replace(/corpus\.jsonl$/, '')}`,
        import.meta.url,
      );
      expect(readFileSync(new URL('LICENSE', dir), 'utf8').length).toBeGreaterThan(100);
      expect(readFileSync(new URL('SOURCE.md', dir), 'utf8')).toMatch(/Source:/);
      const texts = loadCorpus(info.file);
      const scored = texts.flatMap((t) => t.spans).filter((s) => info.entities?.includes(s.entity));
      expect(scored.length).toBeGreaterThanOrEqual(100);
      const scores = scoreCorpus(texts, undefined, info.entities);
      expect(scores.every((s) => s.tp + s.fn === s.gold)).toBe(true);
    },
  );
});

describe('alignRedaction (peers that only return redacted text)', () => {
  // [original, redacted, expected entity:value]
  const CASES: readonly [string, string, readonly string[]][] = [
    [
      'Hi David, call 555-555-5555 or mail a@b.io.',
      'Hi PERSON_NAME, call PHONE_NUMBER or mail EMAIL_ADDRESS.',
      ['PERSON:David', 'PHONE_NUMBER:555-555-5555', 'EMAIL_ADDRESS:a@b.io'],
    ],
    ['SSN 536-22-1234', 'SSN US_SOCIAL_SECURITY_NUMBER', ['US_SSN:536-22-1234']],
    ['nothing here', 'nothing here', []],
    ['zip 94105', 'zip ZIPCODE_X', []],
  ];
  it.each(CASES)('%j', (original, redacted, expected) => {
    const spans = alignRedaction(original, redacted, /\b([A-Z]+(?:_[A-Z]+)+)\b/g);
    expect(spans.map((s) => `${s.entity}:${original.slice(s.start, s.end)}`)).toEqual(expected);
  });
});
