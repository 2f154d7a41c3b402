import { describe, expect, it } from 'vitest';
import { ApiRefusal } from '#core/api/refusal.ts';
import type { Finding, LedgerRecord } from '#core/chain/record.ts';
import { checkRawRead, rawRequestOf } from '#core/query/access-log.ts';
import { redactRecord } from '#core/query/redact-record.ts';
import { queueEntryOf } from '#core/reviews/queue.ts';
import { statusAfter } from '#core/reviews/verdict.ts';

const finding = (over: Partial<Finding>): Finding => ({
  rule_id: 'pii.email',
  rule_name: 'email',
  detector: 'email',
  entity: 'EMAIL',
  severity: 'high',
  action: 'flag',
  controls: [],
  ...over,
});

const record = (
  body: unknown,
  findings: Finding[],
  decision: 'pass' | 'flag' | 'block' = 'flag',
): LedgerRecord => ({
  chain: 'app',
  seq: 0,
  kind: 'decision',
  event_id: 'e1',
  ingested_at: '2026-01-01T00:00:00.000Z',
  body_hash: 'b'.repeat(64),
  policy: { version: 'v', decision, findings },
  prev: '0'.repeat(64),
  hash: 'h'.repeat(64),
  body,
});

describe('redacted view', () => {
  it('masks each finding span in its field, and a whole field without offsets', () => {
    const text = 'mail ann@x.io or bob@y.io';
    const r = record({ output: { reason: text, note: 'secret thing' }, keep: 'ann@x.io' }, [
      finding({ field: 'output.reason', start: 5, end: 13 }),
      finding({ field: 'output.reason', start: 17, end: 25 }),
      finding({ field: 'output.note', entity: 'SECRET' }),
    ]);
    expect(redactRecord(r).body).toEqual({
      output: { reason: 'mail [EMAIL] or [EMAIL]', note: '[SECRET]' },
      keep: 'ann@x.io',
    });
    expect((r.body as { output: { reason: string } }).output.reason).toBe(text);
  });

  it('drops what a rejected record quotes of its input', () => {
    const r = {
      ...record(
        { problems: [{ path: 'x', message: 'bad', received: 'ann@x.io' }], raw_size: 3 },
        [],
        'pass',
      ),
      kind: 'rejected' as const,
    };
    expect(redactRecord(r).body).toEqual({
      problems: [{ path: 'x', message: 'bad' }],
      raw_size: 3,
    });
  });

  it('leaves facts (thresholds) and bodies without findings alone', () => {
    const r = record({ confidence: 0.2 }, [
      finding({ detector: 'threshold', field: 'confidence' }),
    ]);
    expect(redactRecord(r).body).toEqual({ confidence: 0.2 });
  });
});

describe('raw reads', () => {
  const auditor = { key_id: 'k', tenant: 'default', role: 'auditor', chains: ['*'] } as const;
  it.each([
    [undefined, undefined, undefined],
    ['redacted', undefined, undefined],
    ['raw', 'why', { reason: 'why' }],
  ])('view=%s reason=%s → %j', (view, reason, expected) => {
    expect(rawRequestOf(view, undefined, reason)).toEqual(expected);
  });

  it('needs read_raw and a reason', () => {
    expect(checkRawRead(auditor, { reason: ' audit #1 ' })).toBe('audit #1');
    expect(() => checkRawRead(auditor, { reason: '  ' })).toThrow(ApiRefusal);
    expect(() => checkRawRead({ ...auditor, role: 'reviewer' }, { reason: 'x' })).toThrow(
      /may not read raw/,
    );
    expect(() => rawRequestOf('full', undefined, undefined)).toThrow(ApiRefusal);
  });
});

describe('review queue', () => {
  it.each([
    ['pass', {}, undefined],
    ['flag', {}, ['policy_flag']],
    ['block', {}, ['policy_block']],
    ['pass', { confidence: 0.5, confidence_threshold: 0.7 }, ['low_confidence']],
    ['pass', { confidence: 0.9, confidence_threshold: 0.7 }, undefined],
    ['pass', { metadata: { tags: ['escalation_review'] } }, ['escalated']],
  ] as const)('%s %j → %j', (decision, body, reasons) => {
    expect(queueEntryOf(record(body, [], decision))?.reasons).toEqual(reasons);
  });

  it('shows the latest verdict; annotations keep the status', () => {
    expect(statusAfter([])).toBe('pending');
    expect(statusAfter(['annotate'])).toBe('pending');
    expect(statusAfter(['escalate', 'annotate'])).toBe('escalated');
    expect(statusAfter(['escalate', 'approve'])).toBe('approved');
  });
});
