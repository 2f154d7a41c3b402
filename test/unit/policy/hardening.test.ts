import { describe, expect, it } from 'vitest';
import type { NormalisedEvent } from '#core/events/event.ts';
import { createPolicyEngine, type RuntimePolicyEngine } from '#core/policy/create-engine.ts';
import type { PolicyEvaluation } from '#core/policy/engine.ts';
import { evaluateGuardrail } from '#core/policy/guardrail.ts';
import { loadPolicy } from '#core/policy/load-policy.ts';
import { runDetector } from './run-detector.ts';

const evaluateSync = (engine: RuntimePolicyEngine, event: NormalisedEvent): PolicyEvaluation => {
  const out = engine.evaluate(event);
  if (out instanceof Promise) throw new Error('expected a synchronous evaluation');
  return out;
};

const eventOf = (body: Record<string, unknown>, texts: NormalisedEvent['texts']) =>
  ({
    event_id: 'e1',
    kind: 'inference',
    chain_key: 'c',
    source: 'audit_event',
    body,
    texts,
  }) as NormalisedEvent;

const RULES = `name: t
options: { store: redacted, snippet_context: 40 }
rules:
  - id: ssn
    name: SSN
    detector: us-ssn
    action: block
    severity: high
  - id: card
    name: Card
    detector: credit-card
    action: block
    severity: high
  - id: email
    name: Email
    detector: email
    action: flag
    severity: medium
  - id: phone
    name: Phone
    detector: phone
    action: flag
    severity: medium
`;

describe('a detected value never leaks where its context was not detected', () => {
  const engine = createPolicyEngine(loadPolicy(RULES, 'test'));
  // The second bare SSN has no keyword before it, so the detector does not report it.
  const text = 'SSN 536221234, please confirm 536221234 is right';

  it('masks every occurrence in snippets', () => {
    const { result } = evaluateSync(engine, eventOf({ output: text }, [{ field: 'output', text }]));
    expect(result.findings.length).toBeGreaterThan(0);
    for (const f of result.findings) expect(f.snippet).not.toMatch(/\d{3}/);
  });

  it('masks every occurrence in the guardrail text, across messages too', async () => {
    const single = await evaluateGuardrail({ text, direction: 'output' }, engine);
    expect(single.redacted_text).not.toContain('536221234');
    const multi = await evaluateGuardrail(
      {
        direction: 'input',
        messages: [
          { role: 'user', content: 'my ssn is 536221234' },
          { role: 'user', content: 'yes, 536221234 is the one' },
        ],
      },
      engine,
    );
    expect(JSON.stringify(multi)).not.toContain('536221234');
  });
});

describe('store: redacted leaves no copy of a value in the body', () => {
  const engine = createPolicyEngine(loadPolicy(RULES, 'test'));
  const text = 'Card 4111 1111 1111 1111, mail Jane@Example.com, call (415) 555-2671';
  const body = {
    output: text,
    metadata: {
      by_mail: { 'Jane@Example.com': { opened: true }, 'other@example.org': 1 },
      card_digits: '4111111111111111',
      card_number: 4111111111111111,
      phone_e164: '+14155552671',
      mail_lower: 'jane@example.com',
      list: [[{ deep: ['x 4111111111111111 y'] }]],
    },
  };
  it('replaces keys, numbers and canonical spellings', () => {
    const out = evaluateSync(engine, eventOf(body, [{ field: 'output', text }]));
    const stored = JSON.stringify(out.body);
    for (const raw of [
      'Jane@Example.com',
      'jane@example.com',
      '4111111111111111',
      '4111 1111',
      '+14155552671',
      '555-2671',
    ])
      expect(stored).not.toContain(raw);
    // Keys that collide after redaction are all kept.
    expect(Object.keys((out.body as typeof body).metadata.by_mail)).toHaveLength(2);
  });
});

describe('store: redacted masks copies, not other words that contain them', () => {
  it('replaces a detected "Li" that stands alone and leaves "Linux"', () => {
    const policy = loadPolicy(
      `name: t
options: { store: redacted }
rules:
  - id: name
    name: Name
    detector: regex
    params: { pattern: '\\bLi\\b', entity: PERSON }
    action: flag
    severity: low
`,
      'test',
    );
    const body = { output: 'Li uses Linux', metadata: { note: 'ask Li about Linux' } };

    const out = evaluateSync(
      createPolicyEngine(policy),
      eventOf(body, [{ field: 'output', text: body.output }]),
    );

    const stored = out.body as typeof body;
    expect(stored.output).toMatch(/^\[[A-Z_]+\] uses Linux$/);
    expect(stored.metadata.note).toMatch(/^ask \[[A-Z_]+\] about Linux$/);
  });
});

describe('detector accuracy on ordinary text', () => {
  // [detector, text, expected, params?]
  const CASES: readonly [string, string, readonly string[], Record<string, unknown>?][] = [
    // timestamps are not phone numbers
    ['phone', 'Meeting moved to 2024-01-15 10:30 UTC.', []],
    ['phone', 'Logged at 2024-01-15 10:30:00 by the job.', []],
    ['phone', 'Call (415) 555-2671 at 10:30.', ['PHONE_NUMBER:(415) 555-2671']],
    // a number run that starts or ends with something else still yields the phone
    ['phone', '100 Main St Suite 200 (415) 555-2671', ['PHONE_NUMBER:(415) 555-2671']],
    ['phone', 'Host 203.0.113.7  (415) 555-2671', ['PHONE_NUMBER:(415) 555-2671']],
    ['phone', 'Call 415-555-2671 2 times', ['PHONE_NUMBER:415-555-2671']],
    ['phone', 'Phone +44 20 7946 0958 24 hours a day', ['PHONE_NUMBER:+44 20 7946 0958']],
    [
      'phone',
      'Lines (415) 555-2671 (415) 555-2672',
      ['PHONE_NUMBER:(415) 555-2671', 'PHONE_NUMBER:(415) 555-2672'],
    ],
    ['phone', 'Call (415) 555-2671.  2001 was the year', ['PHONE_NUMBER:(415) 555-2671']],
    ['phone', 'retry with 3419 278970 88920', []],
    ['phone', 'Order 415-555-2671 shipped', []],
    // IPv4-mapped IPv6 is one address, reported once, whole
    ['ip-address', 'Client ::ffff:192.0.2.1 connected', ['IP_ADDRESS:::ffff:192.0.2.1']],
    ['ip-address', 'Peer 64:ff9b::10.0.0.1, ok', ['IP_ADDRESS:64:ff9b::10.0.0.1']],
    // `::` alone is notation (Haskell, C++, reST), not an address
    ['ip-address', 'map :: (a -> b) -> [a] -> [b]', []],
    ['ip-address', 'Hosts ::1 and 2001:db8::1', ['IP_ADDRESS:::1', 'IP_ADDRESS:2001:db8::1']],
    // URL paths and inline images are not secrets
    [
      'high-entropy',
      'See https://example.com/api/v2/users/12345/orders/67890/items for details',
      [],
    ],
    [
      'high-entropy',
      'Hook https://hooks.example.com/services/T0A1B2C3/wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY ok',
      ['HIGH_ENTROPY_SECRET:wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY'],
    ],
    [
      'high-entropy',
      'img src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="',
      [],
    ],
    [
      'high-entropy',
      'secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY here',
      ['HIGH_ENTROPY_SECRET:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
    ],
    // retina asset names are not e-mail addresses
    ['email', 'Replace logo@2x.png and icon@3x.webp in the header', []],
    ['email', 'Write to sales@example.io', ['EMAIL_ADDRESS:sales@example.io']],
  ];
  it.each(CASES)('%s %j → %j', (id, text, expected, params) => {
    expect(runDetector(id, text, params)).toEqual(expected);
  });
});

describe('policy loading', () => {
  const rule = (params: string) =>
    `name: t\nrules:\n  - id: r1\n    name: R\n    detector: ${params}\n    action: flag\n    severity: low\n`;
  it('rejects a blank banned phrase instead of matching everywhere', () => {
    expect(() =>
      loadPolicy(rule('banned-phrases\n    params: {phrases: ["zip code", " "]}'), 'p.yaml'),
    ).toThrow(/p\.yaml[\s\S]*rule r1: params\.phrases\[1\]/);
  });
  it('names the flags field for repeated regex flags', () => {
    expect(() => loadPolicy(rule('regex\n    params: {pattern: x, flags: ii}'), 'p.yaml')).toThrow(
      /rule r1: params\.flags/,
    );
  });
});
