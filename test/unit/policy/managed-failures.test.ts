/**
 * A managed detector that is throttled or down is a recorded check error with the rule's
 * fail mode, not a failed evaluation (which used to fail the whole batch into the
 * dead-letter queue). The SDK clients are mocked to fail as the services do.
 */
import {
  ApplyGuardrailCommand,
  BedrockRuntimeClient,
  ServiceUnavailableException,
} from '@aws-sdk/client-bedrock-runtime';
import {
  ComprehendClient,
  DetectPiiEntitiesCommand,
  TooManyRequestsException,
} from '@aws-sdk/client-comprehend';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createBedrockGuardrailDetector } from '#adapters/aws/bedrock-guardrail.ts';
import { createComprehendPiiDetector } from '#adapters/aws/comprehend-pii.ts';
import type { NormalisedEvent } from '#core/events/event.ts';
import { createPolicyEngine } from '#core/policy/create-engine.ts';
import { loadPolicy } from '#core/policy/load-policy.ts';

const comprehend = mockClient(ComprehendClient);
const bedrock = mockClient(BedrockRuntimeClient);
afterEach(() => {
  comprehend.reset();
  bedrock.reset();
});

const event: NormalisedEvent = {
  event_id: 'e1',
  kind: 'inference',
  chain_key: 'support',
  source: 'audit_event',
  body: { output: { content: 'call Jane on 555-0100' } },
  texts: [{ field: 'output.content', text: 'call Jane on 555-0100' }],
};

const policy = loadPolicy(
  `name: managed
rules:
  - { id: comprehend, name: Comprehend PII, detector: comprehend-pii, action: block, severity: high }
  - { id: bedrock, name: Bedrock guardrail, detector: bedrock-guardrail, action: flag, severity: medium, on_error: pass }
`,
  'test',
);

describe('managed detectors failing', () => {
  it('records Comprehend throttling and Bedrock being down, each with its fail mode', async () => {
    comprehend
      .on(DetectPiiEntitiesCommand)
      .rejects(new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} }));
    bedrock
      .on(ApplyGuardrailCommand)
      .rejects(new ServiceUnavailableException({ message: 'Service unavailable', $metadata: {} }));
    const engine = createPolicyEngine(policy, {
      managed: {
        'comprehend-pii': createComprehendPiiDetector({
          client: new ComprehendClient({ region: 'eu-west-1', maxAttempts: 1 }),
        }),
        'bedrock-guardrail': createBedrockGuardrailDetector({
          client: new BedrockRuntimeClient({ region: 'eu-west-1', maxAttempts: 1 }),
          guardrailId: 'gr-1',
          guardrailVersion: '1',
        }),
      },
    });
    const { result, body } = await engine.evaluate(event);
    expect(result.checks).toEqual([
      {
        rule_id: 'comprehend',
        status: 'error',
        error: 'TooManyRequestsException: Rate exceeded',
        fail_mode: 'block',
      },
      {
        rule_id: 'bedrock',
        status: 'error',
        error: 'ServiceUnavailableException: Service unavailable',
        fail_mode: 'pass',
      },
    ]);
    // Block from the Comprehend rule's fail mode; Bedrock's `pass` adds no finding.
    expect(result.decision).toBe('block');
    expect(result.findings.map((f) => [f.rule_id, f.entity, f.action])).toEqual([
      ['comprehend', 'CHECK_ERROR', 'block'],
    ]);
    expect(body).toEqual(event.body);
  });
});
