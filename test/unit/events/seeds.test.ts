import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normalise } from '#core/events/normalise.ts';
import { envelopeOf, loadSeed, SEED_FILES } from './seeds.ts';

const ROUTES = ['audit_event', 'decision_log', 'log'];

describe('seed payloads', () => {
  it('covers every fixture in test/fixtures/seeds', () => {
    // Prepare / Act
    const onDisk = readdirSync(new URL('../../fixtures/seeds/', import.meta.url))
      .filter((name) => name.endsWith('.json'))
      .sort();

    // Assess
    expect([...SEED_FILES].sort()).toEqual(onDisk);
  });

  it.each([
    [
      'seed1-audit-event.json',
      'inference',
      'customer_support_agent',
      'unique_event_identifier',
      'audit_event',
    ],
    ['seed2-decision-api.json', 'decision', 'loan_underwriting_v1', 'req_7f3a9c2e', 'decision_log'],
    [
      'seed2-decision-log.json',
      'decision',
      'loan_underwriting_agent',
      'sess_b41e7d90',
      'decision_log',
    ],
    ['seed2-faq-minimal.json', 'decision', 'default', 'dec_abc123', 'decision_log'],
    ['issue2-decision-use-case.json', 'decision', 'claims_triage', 'req-0001', 'decision_log'],
  ])(
    '%s is accepted verbatim on every route as %s in chain %s with id %s',
    (file, kind, chain, id, source) => {
      for (const route of ROUTES) {
        // Prepare
        const payload = loadSeed(file);
        const pristine = structuredClone(payload);

        // Act
        const result = normalise(envelopeOf(payload, route));

        // Assess
        if (!result.ok) throw new Error(`${file} on ${route}: ${JSON.stringify(result.problems)}`);
        expect(result.event).toMatchObject({ kind, chain_key: chain, event_id: id, source });
        expect(result.event.body).toBe(payload);
        expect(payload).toEqual(pristine);
      }
    },
  );

  it.each([
    ['seed1-audit-event.json', { occurred_at: '2024-01-15T10:30:00Z', client_policy_checks: [] }],
    ['seed2-faq-minimal.json', { use_case: 'loan_application_review' }],
    [
      'issue2-decision-use-case.json',
      { occurred_at: '2024-02-03T08:15:42.120+01:00', use_case: 'claim_adjudication' },
    ],
  ])('%s carries its timestamp, use case and policy checks', (file, expected) => {
    // Prepare
    const payload = loadSeed(file);

    // Act
    const result = normalise(envelopeOf(payload));

    // Assess
    expect(result.ok && result.event).toMatchObject(expected);
  });

  it.each([
    ['seed1-audit-event.json', ['input.messages[1].content', 'output.content']],
    [
      'seed2-decision-api.json',
      ['input.applicant_data.credit_score_bucket', 'output.decision', 'output.reason'],
    ],
    ['seed2-decision-log.json', ['input.query', 'input.context[0]', 'input.context[1]', 'output']],
    ['seed2-faq-minimal.json', ['inputs.credit_score_bucket', 'output.reason']],
  ])('%s lists its texts for the policy engine', (file, fields) => {
    // Prepare
    const payload = loadSeed(file);

    // Act
    const result = normalise(envelopeOf(payload));

    // Assess
    const found = result.ok ? result.event.texts.map((text) => text.field) : [];
    expect(found).toEqual(expect.arrayContaining(fields));
  });
});
