import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RETENTION_RULES,
  describeRules,
  isDue,
  retentionOf,
  ruleFor,
} from '#core/retention/rules.ts';

const rules = {
  ...DEFAULT_RETENTION_RULES,
  retentionOverrides: [
    { kind: 'inference' as const, useCase: 'triage', days: 30 },
    { chain: 'hr-bot', days: 10 },
  ],
};

describe('retention rules', () => {
  it.each([
    [
      { kind: 'inference' as const, chain: 'a', useCase: 'triage' },
      'use_case=triage,kind=inference',
      30,
    ],
    [{ kind: 'inference' as const, chain: 'a' }, 'kind=inference', 365],
    [{ kind: 'decision' as const, chain: 'hr-bot' }, 'chain=hr-bot,kind=*', 10],
    [{ kind: 'decision' as const, chain: 'a', useCase: 'triage' }, 'kind=decision', 2557],
  ])('picks the first matching rule for %o', (subject, rule, days) => {
    expect(ruleFor(rules, subject)).toEqual({ rule, days });
  });

  it('counts retention from the end of the ingest day; due from `until`', () => {
    const r = retentionOf(rules, { kind: 'decision', chain: 'hr-bot' }, '2026-01-10T23:59:00Z');
    expect(r).toEqual({ rule: 'chain=hr-bot,kind=*', until: '2026-01-21' });
    expect(isDue(r, new Date('2026-01-20T23:59:59Z'))).toBe(false);
    expect(isDue(r, new Date('2026-01-21T00:00:00Z'))).toBe(true);
  });

  it('describes every rule, overrides first', () => {
    const lines = describeRules(rules);
    expect(lines[0]).toBe('use_case=triage,kind=inference: 30 days');
    expect(lines).toContain('kind=rejected: 90 days');
  });
});
