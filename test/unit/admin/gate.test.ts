/**
 * The go/no-go gate's counting and verdicts: leaked card numbers, default and given limits,
 * bad lines (exit 2 in the CLI), and fairness statistics when the lines carry groups.
 */
import { describe, expect, it } from 'vitest';
import { GateInputError, parseLimits, runGate } from '#core/admin/gate.ts';
import { createPolicyEngine } from '#core/policy/create-engine.ts';
import { defaultPolicy } from '#core/policy/default-policy.ts';

const engine = createPolicyEngine(defaultPolicy());
const now = new Date('2026-12-01T00:00:00Z');
const lines = (events: readonly unknown[]) => events.map((e) => JSON.stringify(e)).join('\n');
const decision = (id: string, reason: string, extra: Record<string, unknown> = {}) => ({
  decision_id: id,
  output: { decision: 'approve', reason },
  ...extra,
});

describe('the gate', () => {
  it('is no-go on a leaky candidate and go on a clean one', async () => {
    const leaky = await runGate(
      lines([decision('a', 'card 4111 1111 1111 1111 on file'), decision('b', 'stable income')]),
      { useCase: 'credit', engine, now, limits: parseLimits(['CREDIT_CARD=0']) },
    );
    expect(leaky).toMatchObject({
      verdict: 'no-go',
      events: 2,
      exceeded: ['CREDIT_CARD: 1 > 0'],
      use_case: 'credit',
      policy_version: engine.version,
    });
    expect(leaky.candidate_sha256).toMatch(/^[0-9a-f]{64}$/);
    const clean = await runGate(lines([decision('b', 'stable income')]), {
      useCase: 'credit',
      engine,
      now,
    });
    expect(clean).toMatchObject({ verdict: 'go', limits: { BLOCK: 0 }, exceeded: [] });
  });

  it('refuses bad input with the line that is wrong', async () => {
    await expect(runGate('{"decision_id":"a"}\n[', { useCase: 'u', engine, now })).rejects.toThrow(
      GateInputError,
    );
    await expect(runGate('\n\n', { useCase: 'u', engine, now })).rejects.toThrow(/no events/);
    await expect(runGate('{"x":1}', { useCase: 'u', engine, now })).rejects.toThrow(/line 1/);
    expect(() => parseLimits(['CARD'])).toThrow(/TYPE=N/);
  });

  it('counts protected attributes with a disparity as FAIRNESS', async () => {
    const events = Array.from({ length: 120 }, (_, i) => {
      const gender = i % 2 === 0 ? 'female' : 'male';
      // Women approved 1 in 5, men 4 in 5.
      const approved = gender === 'female' ? i % 10 === 0 : i % 10 !== 1;
      return {
        decision_id: `d${i}`,
        output: { decision: approved ? 'approve' : 'deny', reason: 'model score' },
        input: { gender },
      };
    });
    const a = await runGate(lines(events), {
      useCase: 'credit',
      engine,
      now,
      limits: parseLimits(['FAIRNESS=0']),
    });
    expect(a.fairness).toEqual([
      expect.objectContaining({ attribute: 'gender', verdict: 'disparity' }),
    ]);
    expect(a).toMatchObject({ verdict: 'no-go', exceeded: ['FAIRNESS: 1 > 0'] });
  });
});
