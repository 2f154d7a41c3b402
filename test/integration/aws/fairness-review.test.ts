/**
 * The scheduled review's path on the AWS adapters: decisions and outcomes through the
 * processor into DynamoDB Local, the review read back with Queries only (the command log of
 * the DynamoDB client holds no Scan), its report written to s3rver and its review record
 * appended.
 */
import { createHash } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoLedger } from '#adapters/aws/dynamo-ledger.ts';
import { FAIRNESS_REVIEW_CHAIN } from '#core/fairness/record-review.ts';
import { ledgerSource } from '#core/fairness/review-source.ts';
import { runFairnessReview } from '#core/fairness/run-review.ts';
import { processBatch } from '#core/pipeline/process-batch.ts';
import type { Alert } from '#ports/alerts.ts';
import { awsWorld } from '#test/helpers/aws-world.ts';
import { decisionEnvelope, processorDeps } from './support.ts';

const world = awsWorld();

describe('fairness review on DynamoDB Local and s3rver', () => {
  it('reads by Query only, archives the report and appends the review record', async () => {
    const { table, archive } = await world.newLedger({ chainsIndex: 'chains' });
    const commands: string[] = [];
    const counting = {
      send: (command: { constructor: { name: string } }) => {
        commands.push(command.constructor.name);
        return world.db.client.send(command as never);
      },
    } as unknown as DynamoDBClient;
    const ledger = new DynamoLedger({
      client: counting,
      table,
      bodyStore: archive,
      chainsIndex: 'chains',
    });
    const deps = processorDeps(ledger, archive);

    const decisions = Array.from({ length: 12 }, (_, i) =>
      decisionEnvelope(`d-${i}`, i % 2 === 0 ? 'app-a' : 'app-b', {
        use_case: 'loan',
        timestamp: '2025-01-15T10:00:00Z',
        inputs: { gender: i % 2 === 0 ? 'f' : 'm' },
        output: { decision: i % 3 === 0 ? 'deny' : 'approve' },
      }),
    );
    const outcomes = [0, 1, 2, 3].map((i) => ({
      v: 1 as const,
      route: 'outcome',
      request_id: `req-out-${i}`,
      received_at: '2025-02-03T04:05:06.000Z',
      payload: {
        decision_id: `d-${i}`,
        outcome: 'repaid',
        observed_at: '2025-02-01T00:00:00Z',
        application_id: i % 2 === 0 ? 'app-a' : 'app-b',
      },
    }));
    const recorded = await processBatch([...decisions, ...outcomes], deps);
    expect(recorded.every((r) => r.status === 'recorded')).toBe(true);

    commands.length = 0;
    const alerts: Alert[] = [];
    const { report, recorded: review } = await runFairnessReview(
      {
        from: new Date('2025-01-13T00:00:00Z'),
        to: new Date('2025-01-20T00:00:00Z'),
        useCase: 'loan',
        attributes: [{ path: 'gender' }],
        positiveDecisions: ['approve'],
        positiveOutcomes: ['repaid'],
        minGroupSize: 3,
      },
      {
        ledger,
        // As the scheduled Lambda reads (wiring/review-deps.ts): chain by chain, by Query.
        source: ledgerSource(ledger),
        archive,
        alerts: { publish: async (a) => void alerts.push(...a) },
        clock: deps.clock,
      },
    );

    expect(report.decisions).toBe(12);
    expect(report.outcomes).toMatchObject({ labelled: 4, unknown_decisions: 0 });
    expect(report.attributes[0]?.groups.map((g) => [g.value, g.n])).toEqual([
      ['f', 6],
      ['m', 6],
    ]);
    expect(commands).toContain('QueryCommand');
    expect(commands).not.toContain('ScanCommand');

    const json = await archive.get(review.keys.json);
    expect(
      createHash('sha256')
        .update(json ?? new Uint8Array())
        .digest('hex'),
    ).toBe(review.report_sha256);
    const record = await ledger.get(FAIRNESS_REVIEW_CHAIN, review.seq);
    expect(record).toMatchObject({
      kind: 'review',
      event_id: review.event_id,
      body: { review_type: 'fairness' },
    });
  });
});
