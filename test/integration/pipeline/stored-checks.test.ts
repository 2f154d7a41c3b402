/**
 * Every rule's outcome on the stored record (issue 17 item 4): the processor, on the real
 * local adapters, stores each rule of the policy: a rule that ran as its bare id, any other
 * with its status, reason or error and fail mode; the guardrail answer lists the same.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { checkRecord } from '#core/chain/hash.ts';
import type { LedgerRecord } from '#core/chain/record.ts';
import type { GuardrailRequest } from '#core/events/guardrail-request.ts';
import { processBatch } from '#core/pipeline/process-batch.ts';
import { expandChecks } from '#core/policy/checks.ts';
import { createPolicyEngine } from '#core/policy/create-engine.ts';
import { evaluateGuardrail } from '#core/policy/guardrail.ts';
import { loadPolicy } from '#core/policy/load-policy.ts';
import { collect } from '#test/helpers/collect.ts';
import { type FakeClassifier, startFakeClassifier } from '#test/helpers/fake-classifier.ts';
import { envelope, type Harness, openHarness } from './harness.ts';

let harness: Harness;
afterEach(async () => harness.close());

let classifier: FakeClassifier;
beforeAll(async () => {
  classifier = await startFakeClassifier();
  classifier.mode = 'hang';
});
afterAll(() => classifier.close());

const CARD = '4111 1111 1111 1111';

const ranRules = `
  - { id: card, name: Card, detector: credit-card, action: block, severity: high }
  - { id: email, name: Email, detector: email, action: flag, severity: medium }
`;

/** One rule for each outcome: disabled, out of scope, timing out, failing, running. */
const mixedRules = (): string => `
  - { id: off, name: Off, detector: email, action: flag, severity: low, enabled: false }
  - id: credit-only
    name: Credit only
    detector: email
    action: flag
    severity: low
    applies_to: { use_cases: [credit] }
  - id: slow
    name: Slow classifier
    detector: http-classifier
    params: { url: '${classifier.url}' }
    action: flag
    severity: high
    timeout_ms: 200
  - id: down
    name: Classifier that is down
    detector: http-classifier
    params: { url: 'http://127.0.0.1:1/analyze' }
    action: block
    severity: high
    on_error: pass
    timeout_ms: 30000
  - { id: card, name: Card, detector: credit-card, action: block, severity: high }
`;

const engineOf = (rules: string) => createPolicyEngine(loadPolicy(`name: t\nrules:${rules}`, 't'));

/** The record the processor stored for one envelope. */
const storedFor = async (payload: unknown, route = 'decision_log'): Promise<LedgerRecord> => {
  const env = { ...envelope(payload), route };
  await processBatch([env], harness.deps);
  const [chain] = await collect(harness.deps.ledger.chains());
  const record = await harness.deps.ledger.get(chain as string, 0);
  if (record === undefined) throw new Error('nothing stored');
  expect(checkRecord(record)).toMatchObject({ hash: true });
  return record;
};

describe('every rule on the stored record', () => {
  it('lists each rule that ran by its id when every rule ran', async () => {
    harness = await openHarness(engineOf(ranRules));
    const record = await storedFor({
      application_id: 'shop',
      decision_id: 'd1',
      output: { decision: 'approve', reason: `paid with ${CARD}` },
    });
    expect(record.policy.checks).toEqual(['card', 'email']);
    expect(expandChecks(record.policy.checks)).toEqual([
      { rule_id: 'card', status: 'ran' },
      { rule_id: 'email', status: 'ran' },
    ]);
    expect(record.policy.decision).toBe('block');
  });

  it('shows a skipped rule with its reason and a failed one with its error and fail mode', async () => {
    harness = await openHarness(engineOf(mixedRules()));
    const record = await storedFor({
      application_id: 'shop',
      decision_id: 'd2',
      use_case: 'support',
      output: { decision: 'approve', reason: 'within policy' },
    });
    expect(record.policy.checks).toEqual([
      { rule_id: 'off', status: 'skipped', reason: 'disabled' },
      { rule_id: 'credit-only', status: 'skipped', reason: 'use_case' },
      {
        rule_id: 'slow',
        status: 'timeout',
        error: expect.stringMatching(/within 200 ms/),
        fail_mode: 'flag',
      },
      { rule_id: 'down', status: 'error', error: expect.any(String), fail_mode: 'pass' },
      'card',
    ]);
    // The timeout's fail mode (flag) decides; the failure with fail mode pass adds nothing.
    expect(record.policy.decision).toBe('flag');
    expect(record.policy.findings.map((f) => [f.rule_id, f.entity, f.action])).toEqual([
      ['slow', 'CHECK_TIMEOUT', 'flag'],
    ]);
  });

  it('stores for a guardrail call the checks its answer listed', async () => {
    const engine = engineOf(mixedRules());
    harness = await openHarness(engine);
    const req: GuardrailRequest = {
      text: `card ${CARD}`,
      direction: 'output',
      use_case: 'support',
      event_id: 'g1',
    };
    const answer = await evaluateGuardrail(req, engine);
    const record = await storedFor(req, 'guardrail');
    expect(answer.checks.map((c) => c.status)).toEqual([
      'skipped',
      'skipped',
      'timeout',
      'error',
      'ran',
    ]);
    const normalised = expandChecks(record.policy.checks).map(({ error: _e, ...c }) => c);
    expect(normalised).toEqual(answer.checks.map(({ error: _e, ...c }) => c));
    expect(record.policy.checks?.at(-1)).toBe('card');
  });
});
