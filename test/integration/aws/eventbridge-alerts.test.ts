import {
  EventBridgeClient,
  PutEventsCommand,
  type PutEventsCommandInput,
} from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AlertPublishError,
  ENTRIES_PER_CALL,
  EventBridgeAlerts,
  MAX_DETAIL_BYTES,
} from '#adapters/aws/eventbridge-alerts.ts';
import type { PolicyViolationAlert } from '#ports/alerts.ts';

// EventBridge has no local implementation: the client is mocked.
const events = mockClient(EventBridgeClient);

afterEach(() => {
  events.reset();
});

const alert = (i: number): PolicyViolationAlert => ({
  type: 'PolicyViolation',
  event_id: `e-${i}`,
  chain: 'app',
  seq: i,
  kind: 'inference',
  decision: 'block',
  policy_version: 'sha256:abc',
  findings: [
    {
      rule_id: 'pii.card',
      rule_name: 'Payment card',
      detector: 'credit_card',
      entity: 'CREDIT_CARD',
      severity: 'high',
      action: 'block',
      snippet: 'card ****************',
      controls: ['EU-AI-Act:Art-12'],
    },
  ],
  at: '2025-03-04T05:06:07.000Z',
});

const alerts = (): EventBridgeAlerts =>
  new EventBridgeAlerts({
    client: new EventBridgeClient({ region: 'eu-west-1' }),
    busName: 'audit-alerts',
    backoffMs: 1,
  });

const accepted = (input: PutEventsCommandInput) => ({
  FailedEntryCount: 0,
  Entries: (input.Entries ?? []).map((_, i) => ({ EventId: `id-${i}` })),
});

describe('EventBridgeAlerts', () => {
  it('puts PolicyViolation events, at most 10 per call', async () => {
    // Prepare
    events.on(PutEventsCommand).callsFake(accepted);

    // Act
    await alerts().publish([...Array(23).keys()].map(alert));

    // Assess
    const calls = events.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries ?? []);
    expect(calls.map((entries) => entries.length)).toEqual([10, 10, 3]);
    expect(ENTRIES_PER_CALL).toBe(10);
    const first = calls[0]?.[0];
    expect(first).toMatchObject({
      EventBusName: 'audit-alerts',
      Source: 'audit-trail',
      DetailType: 'PolicyViolation',
      Time: new Date('2025-03-04T05:06:07.000Z'),
    });
    expect(JSON.parse(first?.Detail ?? '')).toEqual(alert(0));
  });

  it('retries only the entries EventBridge failed', async () => {
    // Prepare
    events
      .on(PutEventsCommand)
      .resolvesOnce({
        FailedEntryCount: 2,
        Entries: [
          { EventId: 'a' },
          { ErrorCode: 'ThrottlingException', ErrorMessage: 'slow down' },
          { EventId: 'c' },
          { ErrorCode: 'InternalFailure', ErrorMessage: 'oops' },
        ],
      })
      .callsFake(accepted);

    // Act
    await alerts().publish([0, 1, 2, 3].map(alert));

    // Assess
    const calls = events.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries ?? []);
    expect(calls).toHaveLength(2);
    expect(
      calls[1]?.map((e) => (JSON.parse(e.Detail ?? '') as PolicyViolationAlert).event_id),
    ).toEqual(['e-1', 'e-3']);
  });

  it('raises AlertPublishError when entries keep failing', async () => {
    // Prepare
    events.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'AccessDeniedException', ErrorMessage: 'no' }],
    });

    // Act
    const attempt = alerts().publish([alert(9)]);

    // Assess
    await expect(attempt).rejects.toEqual(
      new AlertPublishError(['e-9'], ['AccessDeniedException']),
    );
    expect(events.commandCalls(PutEventsCommand)).toHaveLength(4);
  });

  it('makes no call for no alerts', async () => {
    // Act
    await alerts().publish([]);

    // Assess
    expect(events.commandCalls(PutEventsCommand)).toHaveLength(0);
  });
});

describe('an alert larger than an EventBridge entry', () => {
  it('keeps the first findings that fit and says how many it left out', async () => {
    // Prepare: 2,000 findings, far past 256 KB
    const many = {
      ...alert(1),
      findings: Array.from({ length: 2000 }, () => alert(1).findings[0]),
    };
    let entries: PutEventsCommandInput['Entries'] = [];
    events.on(PutEventsCommand).callsFake((input: PutEventsCommandInput) => {
      entries = input.Entries ?? [];
      return { FailedEntryCount: 0, Entries: entries.map((_, i) => ({ EventId: `ev-${i}` })) };
    });
    // Act
    await new EventBridgeAlerts({ client: new EventBridgeClient({}), busName: 'b' }).publish([
      many as PolicyViolationAlert,
    ]);
    // Assess
    const detail = entries[0]?.Detail ?? '';
    expect(Buffer.byteLength(detail)).toBeLessThanOrEqual(MAX_DETAIL_BYTES);
    const parsed = JSON.parse(detail) as {
      findings: unknown[];
      findings_omitted: number;
      seq: number;
    };
    expect(parsed.findings.length).toBeGreaterThan(0);
    expect(parsed.findings.length + parsed.findings_omitted).toBe(2000);
    expect(parsed.seq).toBe(1);
  });
});
