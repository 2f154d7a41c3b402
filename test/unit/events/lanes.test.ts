import { describe, expect, it } from 'vitest';
import type { IntakeEnvelope } from '#core/events/envelope.ts';
import {
  applicationOf,
  laneChain,
  laneHash,
  laneOf,
  lanePlan,
  lanesFor,
} from '#core/events/lanes.ts';
import { chainOf, withLane } from '#core/pipeline/chain-of.ts';
import { laneSink } from '#core/pipeline/lane-sink.ts';
import { chainTerms, TERM, term } from '#core/search/terms.ts';
import { wantsChain } from '#core/verify/applications.ts';

const envelope = (payload: unknown, request_id = 'req-1'): IntakeEnvelope => ({
  v: 1,
  route: 'audit_event',
  request_id,
  received_at: '2026-01-01T00:00:00.000Z',
  payload,
});

describe('lane plan', () => {
  it.each([
    [undefined, []],
    [1, []],
    [{ '': 1, app: 1 }, []],
    [4, [{ prefix: '', lanes: 4 }]],
    [
      { hot: 8, 'hot-quiet': 1, '': 2 },
      [
        { prefix: 'hot-quiet', lanes: 1 },
        { prefix: 'hot', lanes: 8 },
        { prefix: '', lanes: 2 },
      ],
    ],
  ])('%j plans %j', (setting, plan) => {
    expect(lanePlan(setting)).toEqual(plan);
  });

  it.each([[0], [65], [1.5], [{ a: 0 }], [{ 'a b': 2 }], [{ 'a"': 2 }], [{ 'a~': 2 }]])(
    'refuses %j',
    (setting) => {
      expect(() => lanePlan(setting)).toThrow(/lanesPerChain/);
    },
  );

  it('gives a key the lanes of its longest matching prefix, else 1', () => {
    const plan = lanePlan({ hot: 8, 'hot-quiet': 1 });
    expect(lanesFor('hot-app', plan)).toBe(8);
    expect(lanesFor('hot-quiet-app', plan)).toBe(1);
    expect(lanesFor('cold', plan)).toBe(1);
    expect(lanesFor('anything', [])).toBe(1);
  });
});

describe('lane of an event', () => {
  it("is Java's String.hashCode, floor modulo the lanes", () => {
    expect(laneHash('')).toBe(0);
    expect(laneHash('a')).toBe(97);
    expect(laneHash('hello')).toBe(99162322);
    expect(laneHash('polygenelubricants')).toBe(-2147483648);
    expect(laneOf('polygenelubricants', 3)).toBe(1); // -2147483648 mod 3 (floor) = 1
    for (let i = 0; i < 1000; i++) {
      const lane = laneOf(`evt_${i}`, 7);
      expect(Number.isInteger(lane) && lane >= 0 && lane < 7).toBe(true);
    }
  });

  it('spreads ids over every lane, about evenly', () => {
    const counts = new Array(8).fill(0);
    for (let i = 0; i < 8000; i++) counts[laneOf(`01J${i.toString(36)}-evt`, 8)]++;
    for (const c of counts) expect(c).toBeGreaterThan(700);
  });

  it('stamps the lane on envelopes of laned keys only; the chain is `<key>~<lane>`', () => {
    const plan = lanePlan({ hot: 4 });
    const hot = withLane(envelope({ system: 'hot' }), 'e1', plan);
    expect(hot.lane).toBe(String(laneOf('e1', 4)));
    expect(chainOf(hot)).toBe(laneChain('hot', laneOf('e1', 4)));
    const cold = envelope({ system: 'cold' });
    expect(withLane(cold, 'e1', plan)).toBe(cold);
    expect(chainOf(cold)).toBe('cold');
    // A tenant's chain is qualified, then laned; the prefix is the unqualified key.
    const tenant = withLane(
      { ...envelope({ system: 'hot' }), submitter: { key_id: 'k', tenant: 'acme' } },
      'e1',
      plan,
    );
    expect(chainOf(tenant)).toBe(`acme::hot~${laneOf('e1', 4)}`);
  });

  it('laneSink stamps by the event id the processor gives, and leaves a stamped lane', async () => {
    const published: IntakeEnvelope[] = [];
    const sink = laneSink({ publish: async (e) => void published.push(...e) }, lanePlan(5));
    const payload = { system: 'hot', event_id: 'evt-9', output: { content: 'x' } };
    await sink.publish([
      envelope(payload),
      envelope({ system: 'hot', output: { content: 'x' } }, 'req-7'),
      { ...envelope(payload), lane: '4' },
    ]);
    expect(published.map((e) => e.lane)).toEqual([
      String(laneOf('evt-9', 5)),
      String(laneOf('req-7', 5)),
      '4',
    ]);
  });
});

describe('an application and its lanes', () => {
  it.each([
    ['hot~0', 'hot'],
    ['hot~63', 'hot'],
    ['hot', 'hot'],
    ['acme::hot~2', 'acme::hot'],
    ['hot~', 'hot~'],
    ['hot~01', 'hot~01'],
    ['hot~x', 'hot~x'],
    ['hot~123', 'hot~123'],
  ])('%s belongs to %s', (chain, app) => {
    expect(applicationOf(chain)).toBe(app);
  });

  it('a chain filter on the application covers its lanes; on a lane, that lane', () => {
    expect(chainTerms('hot')).toEqual([term(TERM.chain, 'hot')]);
    expect(chainTerms('hot~2')).toEqual([term(TERM.chain, 'hot'), term(TERM.chain, 'hot~2')]);
    expect(wantsChain(new Set(['hot']), 'hot~2')).toBe(true);
    expect(wantsChain(new Set(['hot~2']), 'hot~1')).toBe(false);
    expect(wantsChain(new Set(['hot']), 'hotter~1')).toBe(false);
  });
});
