import { describe, expect, it } from 'vitest';
import { loadCorpus, missedTargets, scoreCorpus, TARGETS } from '#test/eval/pii-metrics.ts';

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
