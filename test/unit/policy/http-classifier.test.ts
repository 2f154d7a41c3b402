/**
 * The `http-classifier` detector against a real classifier on 127.0.0.1, and every rule's
 * check outcome: a classifier answering 500, hanging past its timeout or answering garbage
 * leaves the check's error and fail mode on the result (never a silent pass, never a throw).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NormalisedEvent } from '#core/events/event.ts';
import { expandChecks } from '#core/policy/checks.ts';
import { createPolicyEngine } from '#core/policy/create-engine.ts';
import { httpClassifierParams, mapClassifierAnswer } from '#core/policy/http-classifier.ts';
import { loadPolicy, PolicyLoadError } from '#core/policy/load-policy.ts';
import { type FakeClassifier, startFakeClassifier } from '#test/helpers/fake-classifier.ts';

const EMAIL = 'jane.doe@example.com';

const eventOf = (text: string, extra: Partial<NormalisedEvent> = {}): NormalisedEvent => ({
  event_id: 'e1',
  kind: 'inference',
  chain_key: 'support',
  source: 'audit_event',
  body: { output: { content: text } },
  texts: [{ field: 'output.content', text }],
  ...extra,
});

let classifier: FakeClassifier;
beforeAll(async () => {
  classifier = await startFakeClassifier();
});
afterAll(() => classifier.close());

// Generous where the classifier answers (a loaded machine is slow), short where it hangs.
const policyWith = (onError: string, action = 'flag', timeoutMs = 30_000) =>
  loadPolicy(
    `name: t
rules:
  - id: presidio
    name: Presidio analyser
    detector: http-classifier
    params: { url: '${classifier.url}', extra: { language: en } }
    action: ${action}
    severity: high
    timeout_ms: ${timeoutMs}
${onError === '' ? '' : `    on_error: ${onError}\n`}  - id: card
    name: Card
    detector: credit-card
    action: block
    severity: high
  - id: decisions-only
    name: Decisions only
    detector: required-field
    params: { path: output.reason }
    applies_to: { kinds: [decision] }
    action: flag
    severity: low
  - id: off
    name: Off
    detector: email
    action: flag
    severity: low
    enabled: false
`,
    'test',
  );

describe('http-classifier detector and per-rule checks', () => {
  it('maps a working classifier answer to findings and lists every rule', async () => {
    classifier.mode = 'ok';
    const engine = createPolicyEngine(policyWith(''));
    const { result, body } = await engine.evaluate(eventOf(`mail ${EMAIL} now`));
    expect(result.decision).toBe('flag');
    expect(result.findings).toMatchObject([
      { rule_id: 'presidio', entity: 'EMAIL_ADDRESS', start: 5, end: 5 + EMAIL.length },
    ]);
    expect(JSON.stringify(result.findings)).not.toContain(EMAIL);
    // The inspection (and the guardrail answer) lists every rule; so does the record, a
    // rule that ran by its bare id.
    const inspection = await engine.inspect(eventOf(`mail ${EMAIL} now`));
    expect(inspection.checks).toEqual([
      { rule_id: 'off', status: 'skipped', reason: 'disabled' },
      { rule_id: 'decisions-only', status: 'skipped', reason: 'kind' },
      { rule_id: 'presidio', status: 'ran' },
      { rule_id: 'card', status: 'ran' },
    ]);
    expect(result.checks).toEqual([
      { rule_id: 'off', status: 'skipped', reason: 'disabled' },
      { rule_id: 'decisions-only', status: 'skipped', reason: 'kind' },
      'presidio',
      'card',
    ]);
    expect(expandChecks(result.checks)).toEqual(inspection.checks);
    expect(body).toEqual({ output: { content: `mail ${EMAIL} now` } });
  });

  it.each([
    ['500', 'error', /answered 500/],
    ['garbage', 'error', /not JSON/],
    ['hang', 'timeout', /within 300 ms/],
  ] as const)(
    'a classifier answering %s is a recorded %s with the rule fail mode',
    async (mode, status, message) => {
      classifier.mode = mode;
      for (const [onError, action, decision] of [
        ['', 'flag', 'flag'],
        ['', 'block', 'block'],
        ['block', 'flag', 'block'],
        ['pass', 'block', 'pass'],
      ] as const) {
        const engine = createPolicyEngine(
          policyWith(onError, action, mode === 'hang' ? 300 : 30_000),
        );
        const { result } = await engine.evaluate(eventOf(`mail ${EMAIL} now`));
        const checks = expandChecks(result.checks);
        const check = checks.find((c) => c.rule_id === 'presidio');
        expect(check).toMatchObject({ status, fail_mode: decision });
        expect(check?.error).toMatch(message);
        expect(result.decision).toBe(decision);
        const failure = result.findings.filter((f) => f.rule_id === 'presidio');
        expect(failure).toEqual(
          decision === 'pass'
            ? []
            : [
                expect.objectContaining({
                  entity: status === 'timeout' ? 'CHECK_TIMEOUT' : 'CHECK_ERROR',
                  action: decision,
                }),
              ],
        );
        // The other rules still ran, and the record lists them as such.
        expect(checks.map((c) => [c.rule_id, c.status])).toEqual([
          ['off', 'skipped'],
          ['decisions-only', 'skipped'],
          ['presidio', status],
          ['card', 'ran'],
        ]);
      }
    },
  );

  it('answers garbage shapes as errors, not passes', () => {
    const params = httpClassifierParams.parse({ url: 'http://127.0.0.1:1/x' });
    expect(() => mapClassifierAnswer({ results: [] }, params, 10)).toThrow(/no list/);
    expect(() => mapClassifierAnswer([{ start: 1 }], params, 10)).toThrow(/entity_type/);
    const nested = httpClassifierParams.parse({
      url: 'http://127.0.0.1:1/x',
      response: { findings_path: 'results', entity_field: 'type', min_score: 0.5 },
    });
    expect(
      mapClassifierAnswer(
        {
          results: [
            { type: 'TOXIC', score: 0.9 },
            { type: 'LOW', score: 0.1 },
          ],
        },
        nested,
        10,
      ),
    ).toEqual([{ entity: 'TOXIC', score: 0.9 }]);
  });

  it('refuses a rule without a classifier URL at load', () => {
    expect(() =>
      loadPolicy(
        'name: t\nrules:\n  - {id: x, name: X, detector: http-classifier, action: flag, severity: low}\n',
        'test',
      ),
    ).toThrow(PolicyLoadError);
  });

  it('a detector that throws is a recorded error, not a failed evaluation', async () => {
    const engine = createPolicyEngine(
      loadPolicy(
        'name: t\nrules:\n  - {id: m, name: M, detector: comprehend-pii, action: block, severity: high}\n',
        'test',
      ),
      {
        managed: {
          'comprehend-pii': {
            detect: () => Promise.reject(new Error('ThrottlingException: Rate exceeded')),
          },
        },
      },
    );
    const { result } = await engine.evaluate(eventOf('hello'));
    expect(result.decision).toBe('block');
    expect(result.checks).toEqual([
      {
        rule_id: 'm',
        status: 'error',
        error: 'Error: ThrottlingException: Rate exceeded',
        fail_mode: 'block',
      },
    ]);
  });
});
