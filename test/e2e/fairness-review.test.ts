/**
 * The risk analyst's path on the embedded default: decisions posted, outcomes later (one for
 * a decision that does not exist, one corrected), the review run from the CLI, the HTML
 * report read, the review on the record, and the archive verifying clean.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FairnessReport } from '#core/fairness/report.ts';
import { devPaths } from '#handlers/wiring/dev-runtime.ts';
import { removeDir, tempDir } from '#test/helpers/temp-dir.ts';
import { runCliHere } from './support/cli-in-process.ts';
import {
  readLedger,
  startTestRuntime,
  verifyDataDir,
  waitForRecord,
} from './support/dev-harness.ts';
import { bearer, postJson } from './support/http-client.ts';

let dir: string;

const decision = (i: number, gender: 'f' | 'm') => {
  // f approved 32 of 40 (80%), m 16 of 40 (40%): a disparity the review must find.
  const approve = gender === 'f' ? i % 5 !== 0 : i % 5 < 2;
  return {
    decision_id: `${gender}-${i}`,
    application_id: 'lender',
    use_case: 'loan',
    timestamp: `2026-11-${String(16 + (i % 7)).padStart(2, '0')}T10:00:00Z`,
    inputs: { gender, age: 20 + i },
    output: {
      decision: approve ? 'approve' : 'deny',
      reason: approve ? 'within policy' : 'debt to income too high',
    },
  };
};

beforeAll(async () => {
  dir = await tempDir('fairness-e2e-');
  const runtime = await startTestRuntime(dir, { fairnessReview: false });
  try {
    const key = runtime.apiKey.key;
    const events = [
      ...Array.from({ length: 40 }, (_, i) => decision(i, 'f')),
      ...Array.from({ length: 40 }, (_, i) => decision(i, 'm')),
    ];
    const batch = await postJson(runtime.url, '/v1/events:batch', { events }, bearer(key));
    expect(batch.status).toBe(202);
    await waitForRecord(runtime.url, key, 'm-39');

    // Weeks later: outcomes, single and in a batch. f-1 first defaulted, then was repaid.
    const single = await postJson(
      runtime.url,
      '/v1/outcomes',
      {
        event_id: 'out-f-1-a',
        decision_id: 'f-1',
        outcome: 'default',
        observed_at: '2026-12-01T00:00:00Z',
        application_id: 'lender',
      },
      bearer(key),
    );
    expect(single.status).toBe(202);
    expect(single.json).toMatchObject({
      event_id: 'out-f-1-a',
      chain: 'lender',
      status: 'accepted',
    });
    const outcomes = [
      ...events.slice(2).map((e, i) => ({
        kind: 'outcome',
        event_id: `out-${e.decision_id}`,
        decision_id: e.decision_id,
        outcome: i % 3 === 0 ? 'default' : 'repaid',
        observed_at: '2026-12-02T00:00:00Z',
        application_id: 'lender',
      })),
      {
        kind: 'outcome',
        event_id: 'out-f-1-b',
        decision_id: 'f-1',
        outcome: 'repaid',
        observed_at: '2026-12-03T00:00:00Z',
        application_id: 'lender',
      },
      {
        kind: 'outcome',
        event_id: 'out-ghost',
        decision_id: 'ghost',
        outcome: 'repaid',
        observed_at: '2026-12-02T00:00:00Z',
        application_id: 'lender',
      },
    ];
    const later = await postJson(
      runtime.url,
      '/v1/events:batch',
      { events: outcomes },
      bearer(key),
    );
    expect(later.status).toBe(202);
    const resolved = await waitForRecord(runtime.url, key, 'out-f-1-b');
    expect(resolved.kind).toBe('outcome');
    expect(resolved.ref).toMatchObject({ event_id: 'f-1', chain: 'lender' });
    const ghost = await waitForRecord(runtime.url, key, 'out-ghost');
    expect(ghost.ref).toEqual({ event_id: 'ghost' });
  } finally {
    await runtime.stop();
  }
});

afterAll(async () => {
  await removeDir(dir);
});

describe('fairness review on the embedded default', () => {
  let report: FairnessReport;
  let files: { json: string; html: string; markdown: string };
  let review: { chain: string; seq: number; event_id: string; report_sha256: string };

  beforeAll(async () => {
    const run = await runCliHere([
      'review',
      'fairness',
      '--data',
      dir,
      '--from',
      '2026-11-16',
      '--to',
      '2026-11-23',
      '--use-case',
      'loan',
      '--attribute',
      'gender',
      '--attribute',
      'inputs.age:30,50',
      '--positive-decision',
      'approve',
      '--positive-outcome',
      'repaid',
      '--json',
    ]);
    expect(run.code, run.output).toBe(1); // an alert was raised: exit 1
    const out = JSON.parse(run.output.slice(run.output.indexOf('{')));
    report = out.report;
    files = out.review.files;
    review = out.review;
  });

  it('reports per-group rates with intervals and a verdict per attribute', () => {
    expect(report.decisions).toBe(80);
    const gender = report.attributes.find((a) => a.attribute === 'gender');
    expect(gender?.verdict).toBe('disparity');
    expect(gender?.groups.map((g) => [g.value, g.n, g.selection_rate])).toEqual([
      ['f', 40, 0.8],
      ['m', 40, 0.4],
    ]);
    const f = gender?.groups[0];
    expect(f?.ci.selection_rate?.low).toBeLessThan(0.8);
    expect(f?.tpr).not.toBeNull();
    expect(
      report.attributes.find((a) => a.attribute === 'inputs.age')?.groups.map((g) => g.value),
    ).toEqual(['30–<50', '<30', '≥50']);
  });

  it('counts the latest outcome of each decision and reports the unknown one', () => {
    // 78 from the batch (f-0 and f-1 left out), plus f-1's own two, of which the later counts.
    expect(report.outcomes).toMatchObject({
      labelled: 79,
      unknown_decisions: 1,
      unknown_examples: ['ghost'],
    });
  });

  it('writes a readable HTML report with its charts, and Markdown', async () => {
    const html = await readFile(files.html, 'utf8');
    expect(html).toContain('<svg class="chart rates"');
    expect(html).toContain('<svg class="chart trend"');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    expect(await readFile(files.markdown, 'utf8')).toMatch(/## gender: DISPARITY/);
  });

  it('puts the review on the record with the report hash, and raises an alert', async () => {
    const json = await readFile(files.json);
    expect(createHash('sha256').update(json).digest('hex')).toBe(review.report_sha256);
    const chains = await readLedger(dir);
    const record = chains.get('fairness-reviews')?.[review.seq];
    expect(record).toMatchObject({ kind: 'review', event_id: review.event_id });
    expect(record?.body).toMatchObject({
      review_type: 'fairness',
      report: { sha256: review.report_sha256 },
      verdicts: { gender: 'disparity' },
    });
    const alerts = (await readFile(devPaths(dir).alerts, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(alerts.filter((a) => a.type === 'FairnessReview')).toHaveLength(1);
  });

  it('runs again inside dev (the weekly path), beside the CLI run, and stays on the record', async () => {
    const runtime = await startTestRuntime(dir, { fairnessReview: false });
    try {
      const { recorded } = await runtime.fairnessReview({
        from: new Date('2026-11-16T00:00:00Z'),
        to: new Date('2026-11-23T00:00:00Z'),
        useCase: 'loan',
        attributes: [{ path: 'gender' }],
        positiveDecisions: ['approve'],
        positiveOutcomes: ['repaid'],
      });
      expect(recorded).toMatchObject({
        chain: 'fairness-reviews',
        seq: review.seq + 1,
        appended: true,
      });
    } finally {
      await runtime.stop();
    }
  });

  it('leaves an archive that verifies clean', async () => {
    const verified = await verifyDataDir(dir);
    expect(verified.faults).toEqual([]);
    expect(verified.ok).toBe(true);
  });
});
