import { analyse } from 'scslre';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NormalisedEvent } from '#core/events/event.ts';
import { createPolicyEngine } from '#core/policy/create-engine.ts';
import { defaultPolicy } from '#core/policy/default-policy.ts';
import { DETECTORS } from '#core/policy/detectors/registry.ts';
import { installRegexWork, type RegexWork } from '#test/helpers/regex-work.ts';

/**
 * Complexity, counted rather than timed (speed is the benchmarks' business, and a timed test
 * flakes on a busy machine): on hostile input a detector must scan about 10x as many
 * characters at 100 KB as at 10 KB, never the 100x of a detector that rescans per
 * candidate; and no regex it runs on long input may backtrack or move super-linearly, which
 * scslre decides from the regex itself (the scan count cannot see backtracking).
 */
const rep = (s: string, n: number): string => s.repeat(Math.ceil(n / s.length)).slice(0, n);
const UNITS = [
  '1',
  '.',
  '@',
  ' ',
  '\n',
  '\n \t',
  '\t',
  '1 ',
  '4 ',
  '1-',
  '123-45-',
  '2024-01-',
  ':',
  'a:',
  '1d10t ',
  'a@a.',
  '*',
  'Aa ',
  'A. ',
  'eyJaaaaaaaaa.',
  'Bearer ',
  'ignore the ',
  'act as\t',
  '## system\t',
  '## ',
  '😀',
];
/** Linear: ten times the input may cost ten times the scanning, plus slack for fixed costs. */
const linear = (small: number, large: number): boolean => large <= 11 * small + 2_000;
/** A super-linear regex is harmless on inputs this short (what a context window scans). */
const SHORT_INPUT = 256;

let work: RegexWork;
beforeAll(() => {
  work = installRegexWork();
});
afterAll(() => work.uninstall());

const scanned = (run: () => unknown): number => {
  work.reset();
  run();
  return work.scanned;
};

describe('adversarial input scales linearly (characters scanned)', () => {
  const texts = [...DETECTORS.values()].filter((d) => d.target === 'text');
  it.each(texts.map((d) => [d.id, d] as const))('%s', (id, d) => {
    if (d.target !== 'text') return;
    const params = d.params.parse(
      id === 'regex' ? { pattern: 'x' } : id === 'banned-phrases' ? { phrases: ['zip code'] } : {},
    );
    for (const unit of UNITS) {
      const small = scanned(() => d.detect(rep(unit, 10_000), params));
      const large = scanned(() => d.detect(rep(unit, 100_000), params));
      expect(linear(small, large), `${JSON.stringify(unit)}: ${small} then ${large}`).toBe(true);
    }
  });

  it('the count sees a detector that rescans the text for each candidate', () => {
    const rescanning = (text: string): number => {
      let found = 0;
      for (const m of text.matchAll(/1/g)) if (/x/.test(text.slice(m.index))) found++;
      return found;
    };
    const small = scanned(() => rescanning(rep('1', 1_000)));
    const large = scanned(() => rescanning(rep('1', 10_000)));
    expect(linear(small, large)).toBe(false);
  });

  it('the default policy over a text of newlines', () => {
    const engine = createPolicyEngine(defaultPolicy());
    const evaluate = (n: number) => () => {
      const text = rep('\n', n);
      engine.evaluate({
        event_id: 'e1',
        kind: 'inference',
        chain_key: 'c',
        source: 'audit_event',
        body: { input: text },
        texts: [{ field: 'input', text }],
      } as NormalisedEvent);
    };
    const small = scanned(evaluate(10_000));
    const large = scanned(evaluate(100_000));
    expect(linear(small, large), `${small} then ${large}`).toBe(true);
  });
});

/** scslre's findings for a regex: `Trade`/`Self` (backtracking), `Move` (rescanning from
 * every start), `!` when exponential. Static and deterministic. */
const superLinear = (source: string, flags: string): string[] =>
  analyse({ source, flags }, { reportTypes: { Move: true, Self: true, Trade: true } }).reports.map(
    (r) => `${r.type}${r.exponential ? '!' : ''}`,
  );

describe('regexes run on long input cannot backtrack super-linearly', () => {
  // Runs after the detectors above, which collected every regex they ran and on what.
  it('scslre finds none super-linear, unless it only ever ran on short windows', () => {
    const unsafe: string[] = [];
    for (const [key, { regex, longestInput }] of work.regexes) {
      if (longestInput <= SHORT_INPUT) continue;
      const found = superLinear(regex.source, regex.flags);
      if (found.length > 0) unsafe.push(`${key.slice(0, 100)}: ${found} on ${longestInput} chars`);
    }
    expect(work.regexes.size).toBeGreaterThan(20);
    expect(unsafe).toEqual([]);
  });

  it('scslre flags the shapes this suite guards against', () => {
    expect(superLinear('[\\w.+-]+@[\\w-]+(\\.[\\w-]+)+', 'g')).toContain('Move');
    expect(superLinear('^[ \\t]*#{2,}[ \\t]*:?[ \\t]*$', 'gm')).toContain('Trade');
    expect(superLinear('^(a+)+$', '')).toContain('Self!');
  });
});
