import { describe, expect, it } from 'vitest';
import type { IntakeEnvelope } from '#core/events/envelope.ts';
import { normalise, OUTCOME_ROUTE } from '#core/events/normalise.ts';

const envelope = (payload: unknown, route = OUTCOME_ROUTE): IntakeEnvelope => ({
  v: 1,
  route,
  request_id: 'req-1',
  received_at: '2026-12-01T00:00:00.000Z',
  payload,
});

const valid = {
  decision_id: 'dec-1',
  outcome: 'default',
  observed_at: '2026-12-01T09:00:00Z',
  application_id: 'loans',
};

describe('outcomes at intake', () => {
  it('become outcome events that point at their decision, on the decision’s chain key', () => {
    const result = normalise(envelope(valid));
    expect(result.ok && result.event).toMatchObject({
      event_id: 'req-1',
      kind: 'outcome',
      chain_key: 'loans',
      source: 'outcome',
      occurred_at: '2026-12-01T09:00:00Z',
      ref: { event_id: 'dec-1' },
      body: valid,
    });
  });

  it('keep a client event_id (idempotent retries), never take the decision id as theirs', () => {
    const result = normalise(envelope({ ...valid, event_id: 'out-7' }));
    expect(result.ok && result.event.event_id).toBe('out-7');
  });

  it('are recognised in a batch by kind "outcome" (else a decision_id means a decision)', () => {
    const asOutcome = normalise(envelope({ ...valid, kind: 'outcome' }, 'batch'));
    expect(asOutcome.ok && asOutcome.event.kind).toBe('outcome');
    const asDecision = normalise(envelope(valid, 'batch'));
    expect(asDecision.ok && asDecision.event.kind).toBe('decision');
  });

  it.each([
    [{ outcome: 'x', observed_at: '2026-12-01T00:00:00Z' }, 'decision_id'],
    [{ decision_id: 'd', observed_at: '2026-12-01T00:00:00Z' }, 'outcome'],
    [
      { decision_id: 'd', outcome: { nested: true }, observed_at: '2026-12-01T00:00:00Z' },
      'outcome',
    ],
    [{ decision_id: 'd', outcome: 'x', observed_at: 'yesterday' }, 'observed_at'],
    [{ decision_id: 'd', outcome: 'x' }, 'observed_at'],
  ])('refuse %j, naming %s', (payload, field) => {
    const result = normalise(envelope(payload));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems.map((p) => p.path)).toContain(field);
  });
});
