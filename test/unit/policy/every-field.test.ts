import { describe, expect, it } from 'vitest';
import { normalise } from '#core/events/normalise.ts';
import { createPolicyEngine } from '#core/policy/create-engine.ts';
import { DEFAULT_POLICY_YAML } from '#core/policy/default-policy.ts';
import { loadPolicy } from '#core/policy/load-policy.ts';
import { envelopeOf } from '#test/unit/events/seeds.ts';

const CARD = '4111 1111 1111 1111';
const EMAIL = 'jane.doe@example.com';
const SSN = '536-22-1234';

/** An inference whose PII sits only in fields outside input/output. */
const payload = {
  event_id: 'e-every-field',
  system: 'support',
  input: { messages: [{ role: 'user', content: 'hello' }] },
  output: { content: 'hi there' },
  metadata: { notes: `card ${CARD}, mail ${EMAIL}` },
  prompt: `my SSN is ${SSN}`,
  tool_results: [{ name: 'crm', documents: [{ body: { unknown_field: `call ${EMAIL}` } }] }],
  billing: { card_as_number: 4111111111111111, quantity: 3 },
};

const eventOf = () => {
  const result = normalise(envelopeOf(payload));
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.event;
};

const engineOf = (store: 'raw' | 'redacted', extraRule = '') =>
  createPolicyEngine(
    loadPolicy(
      DEFAULT_POLICY_YAML.replace('store: raw', `store: ${store}`).replace(
        'rules:\n',
        `rules:\n${extraRule}`,
      ),
      'test',
    ),
  );

const evaluate = (engine: ReturnType<typeof engineOf>) => {
  const out = engine.evaluate(eventOf());
  if (out instanceof Promise) throw new Error('expected synchronous');
  return out;
};

describe('every string of an event is inspected', () => {
  it('finds a card and an e-mail in metadata.notes and an SSN in a top-level prompt, with paths', () => {
    const { result } = evaluate(engineOf('raw'));
    const found = result.findings.map((f) => `${f.entity}@${f.field}`);
    expect(found).toEqual(
      expect.arrayContaining([
        'CREDIT_CARD@metadata.notes',
        'EMAIL_ADDRESS@metadata.notes',
        'US_SSN@prompt',
        'EMAIL_ADDRESS@tool_results[0].documents[0].body.unknown_field',
        'CREDIT_CARD@billing.card_as_number',
      ]),
    );
    expect(result.decision).toBe('block');
  });

  it('stores none of them raw with store: redacted', () => {
    const { result, body } = evaluate(engineOf('redacted'));
    const stored = JSON.stringify({ result, body });
    for (const raw of [CARD, EMAIL, SSN]) expect(stored).not.toContain(raw);
    expect(body).toMatchObject({
      metadata: { notes: 'card [CREDIT_CARD], mail [EMAIL_ADDRESS]' },
      prompt: 'my SSN is [US_SSN]',
      billing: { card_as_number: '[CREDIT_CARD]', quantity: 3 },
    });
  });

  it('lets a rule narrow its fields: a rule on output.* does not read metadata', () => {
    const narrowed = `  - id: only-output-mail
    name: Output e-mail
    detector: email
    applies_to: { fields: ['output.*'] }
    action: flag
    severity: low
`;
    const { result } = evaluate(engineOf('raw', narrowed));
    expect(result.findings.filter((f) => f.rule_id === 'only-output-mail')).toEqual([]);
    expect(result.findings.filter((f) => f.rule_id === 'pii-email').length).toBe(2);
  });
});
