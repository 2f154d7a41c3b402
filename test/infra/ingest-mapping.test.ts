/**
 * Renders the API Gateway mapping templates with velocityjs (a JavaScript VTL engine) and
 * stand-ins for API Gateway's `$input`, `$context` and `$util`, so the envelope, partition
 * key and answers are checked against the core's own rules. Java-only string methods the
 * templates use (`replaceAll` with a regex, `contains`) are installed for each render.
 */
import { Buffer } from 'node:buffer';
import { readdirSync, readFileSync } from 'node:fs';
import { render } from 'velocityjs';
import { describe, expect, it } from 'vitest';
import { chainKeyOf } from '#core/events/chain-key.ts';
import type { IntakeEnvelope } from '#core/events/envelope.ts';
import { normalise } from '#core/events/normalise.ts';
import { chainOf } from '#core/pipeline/chain-of.ts';
import {
  acceptedResponseTemplate,
  batchResponseTemplate,
  putRecordsTemplate,
  putRecordTemplate,
  streamErrorResponseTemplate,
} from '#lib/constructs/ingest-mapping.ts';
import { projectRoot } from '#lib/paths.ts';

const seedsDir = `${projectRoot}/test/fixtures/seeds`;
const seeds = readdirSync(seedsDir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => [f, JSON.parse(readFileSync(`${seedsDir}/${f}`, 'utf8')) as unknown] as const);

/** JSONPath subset the templates use: `$`, `$.a.b`, `$.events[3]`. */
const at = (value: unknown, path: string): unknown => {
  const parts = path.replace(/^\$\.?/, '').match(/[^.[\]]+/g) ?? [];
  let current: unknown = value;
  for (const part of parts) {
    current =
      typeof current === 'object' && current !== null
        ? (current as Record<string, unknown>)[part]
        : undefined;
  }
  return current;
};

/** Java's StringEscapeUtils.escapeJavaScript, as API Gateway's `$util.escapeJavaScript`. */
const escapeJavaScript = (text: string): string =>
  // biome-ignore lint/suspicious/noControlCharactersInRegex: escaping them is the point.
  text.replace(/["'\\/\u0000-\u001f\u007f-\uffff]/g, (c) => {
    const named: Record<string, string> = {
      '"': '\\"',
      "'": "\\'",
      '\\': '\\\\',
      '/': '\\/',
      '\n': '\\n',
      '\r': '\\r',
      '\t': '\\t',
    };
    return named[c] ?? `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
  });

interface Gateway {
  readonly requestId: string;
  readonly requestTime: string;
  readonly requestTimeEpoch: number;
  readonly override: Record<string, string>;
  readonly responseOverride: { status?: number };
}

const gateway = (epoch = Date.UTC(2025, 10, 6, 12, 34, 56, 7)): Gateway => {
  const d = new Date(epoch);
  const months = [
    'Jan',
    'Feb',
    'Mar',
    'Apr',
    'May',
    'Jun',
    'Jul',
    'Aug',
    'Sep',
    'Oct',
    'Nov',
    'Dec',
  ];
  const two = (n: number) => String(n).padStart(2, '0');
  return {
    requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
    requestTime: `${two(d.getUTCDate())}/${months[d.getUTCMonth()]}/${d.getUTCFullYear()}:${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`,
    requestTimeEpoch: epoch,
    override: {},
    responseOverride: {},
  };
};

/** Renders a template with `body` as `$input` (request or integration response). */
function renderVtl(template: string, body: unknown, gw: Gateway): string {
  const proto = String.prototype as unknown as Record<string, unknown>;
  const original = proto.replaceAll;
  proto.replaceAll = function (this: string, pattern: string, replacement: string) {
    return this.replace(new RegExp(pattern, 'g'), replacement);
  };
  proto.contains = function (this: string, part: string) {
    return this.includes(part);
  };
  try {
    return render(template, {
      input: { path: (p: string) => at(body, p), json: (p: string) => JSON.stringify(at(body, p)) },
      context: {
        requestId: gw.requestId,
        requestTime: gw.requestTime,
        requestTimeEpoch: gw.requestTimeEpoch,
        requestOverride: { header: gw.override },
        responseOverride: gw.responseOverride,
      },
      util: {
        escapeJavaScript: (s: unknown) => escapeJavaScript(String(s)),
        base64Encode: (s: unknown) => Buffer.from(String(s), 'utf8').toString('base64'),
        urlEncode: (s: unknown) => encodeURIComponent(String(s)),
        urlDecode: (s: unknown) => decodeURIComponent(String(s)),
      },
    });
  } finally {
    proto.replaceAll = original;
    delete proto.contains;
  }
}

const decode = (data: string): IntakeEnvelope =>
  JSON.parse(Buffer.from(data, 'base64').toString('utf8'));
const options = { streamName: 'audit-stream', route: 'audit_event', lanes: 1 };

describe('PutRecord request template', () => {
  it.each(seeds)(
    '%s: envelope and partition key as the processor derives them',
    (_file, payload) => {
      const gw = gateway();
      const request = JSON.parse(renderVtl(putRecordTemplate(options), payload, gw));
      expect(request.StreamName).toBe('audit-stream');
      const envelope = decode(request.Data);
      expect(envelope).toEqual({
        v: 1,
        route: 'audit_event',
        request_id: gw.requestId,
        received_at: '2025-11-06T12:34:56.007Z',
        payload,
      });
      expect(request.PartitionKey).toBe(chainKeyOf(payload));
      expect(request.PartitionKey).toBe(chainOf(envelope));
    },
  );

  it.each([
    [{ application_id: 'a', application: 'b', system: 'c' }, 'a'],
    [{ application: 'b', application_name: 'n', system: 'c' }, 'b'],
    [{ application_name: 'n', system: 'c' }, 'n'],
    [{ system: 'c', metadata: { application: 'm' } }, 'c'],
    [{ metadata: { application: 'm' } }, 'm'],
    [{ output: { content: 'x' } }, 'default'],
    [{ application_id: 'quote " back\\slash / ünï' }, 'quote " back\\slash / ünï'],
  ])('chain key of %j is %s, like chainKeyOf', (payload, key) => {
    const request = JSON.parse(renderVtl(putRecordTemplate(options), payload, gateway()));
    expect(request.PartitionKey).toBe(key);
    expect(chainKeyOf(payload)).toBe(key);
  });

  it('pads milliseconds and formats every month', () => {
    for (let month = 0; month < 12; month++) {
      const epoch = Date.UTC(2026, month, 9, 1, 2, 3, 45);
      const envelope = decode(
        JSON.parse(renderVtl(putRecordTemplate(options), {}, gateway(epoch))).Data,
      );
      expect(envelope.received_at).toBe(new Date(epoch).toISOString());
    }
  });

  it('spreads a key over lanes: partition key and chain `<key>#<lane>`', () => {
    const lanes = new Set<string>();
    for (let ms = 0; ms < 8; ms++) {
      const gw = gateway(Date.UTC(2025, 0, 1, 0, 0, 0, ms));
      const request = JSON.parse(
        renderVtl(putRecordTemplate({ ...options, lanes: 4 }), { system: 'hot' }, gw),
      );
      const envelope = decode(request.Data);
      expect(envelope.lane).toMatch(/^[0-3]$/);
      expect(request.PartitionKey).toBe(`hot#${envelope.lane}`);
      expect(chainOf(envelope)).toBe(request.PartitionKey);
      lanes.add(request.PartitionKey);
    }
    expect(lanes.size).toBe(4);
  });

  it('refuses zero lanes', () => {
    expect(() => putRecordTemplate({ ...options, lanes: 0 })).toThrow(/lanes/);
  });
});

describe('PutRecord answer', () => {
  it.each([
    [{ event_id: 'evt-1', system: 's' }, 'evt-1', 's'],
    [{ decision_id: 'dec-9', application_id: 'loans' }, 'dec-9', 'loans'],
    [{ output: { content: 'x' } }, 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef', 'default'],
  ])('202 for %j names event %s on chain %s', (payload, eventId, chain) => {
    const gw = gateway();
    renderVtl(putRecordTemplate(options), payload, gw);
    const answer = JSON.parse(renderVtl(acceptedResponseTemplate(), { SequenceNumber: '1' }, gw));
    expect(answer).toEqual({ event_id: eventId, chain, status: 'accepted' });
  });

  it.each([
    [{ event_id: 'out-1', decision_id: 'dec-9', application_id: 'loans' }, 'out-1'],
    // Never the decision's id: that one names the decision record.
    [{ decision_id: 'dec-9', application_id: 'loans' }, 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef'],
  ])('an outcome %j is answered as event %s, as normalise names it', (payload, eventId) => {
    const gw = gateway();
    const outcomeOptions = { ...options, route: 'outcome', eventIdFields: ['event_id'] };
    const request = JSON.parse(
      renderVtl(
        putRecordTemplate(outcomeOptions),
        { ...payload, outcome: 'repaid', observed_at: '2026-12-01T00:00:00Z' },
        gw,
      ),
    );
    const envelope = decode(request.Data);
    expect(envelope.route).toBe('outcome');
    const normalised = normalise(envelope);
    expect(normalised.ok && normalised.event.event_id).toBe(eventId);
    const answer = JSON.parse(renderVtl(acceptedResponseTemplate(), { SequenceNumber: '1' }, gw));
    expect(answer).toEqual({ event_id: eventId, chain: 'loans', status: 'accepted' });
  });

  it('falls back to the request id when no override reached the response', () => {
    const answer = JSON.parse(renderVtl(acceptedResponseTemplate(), {}, gateway()));
    expect(answer).toEqual({ event_id: gateway().requestId, chain: '', status: 'accepted' });
  });

  it.each([
    [
      { __type: 'ProvisionedThroughputExceededException', message: 'Rate exceeded' },
      429,
      'throttled',
    ],
    [
      {
        __type: 'ValidationException',
        message: 'Member must have length less than or equal to 1048576',
      },
      413,
      'payload_too_large',
    ],
    [
      { __type: 'KMSInvalidStateException', message: 'key disabled' },
      undefined,
      'stream_unavailable',
    ],
  ])('maps a Kinesis refusal %j to %s', (error, status, code) => {
    const gw = gateway();
    const answer = JSON.parse(renderVtl(streamErrorResponseTemplate(), error, gw));
    expect(answer).toEqual({ error: code, type: error.__type, request_id: gw.requestId });
    expect(gw.responseOverride.status).toBe(status);
  });
});

describe('PutRecords (batch)', () => {
  it('puts one record per event, request ids `<id>:<i>`, each keyed by its own chain', () => {
    const events = seeds.map(([, payload]) => payload);
    const gw = gateway();
    const request = JSON.parse(
      renderVtl(putRecordsTemplate({ ...options, route: 'batch' }), { events }, gw),
    );
    expect(request.StreamName).toBe('audit-stream');
    expect(request.Records).toHaveLength(events.length);
    request.Records.forEach((record: { PartitionKey: string; Data: string }, i: number) => {
      const envelope = decode(record.Data);
      expect(envelope).toEqual({
        v: 1,
        route: 'batch',
        request_id: `${gw.requestId}:${i}`,
        received_at: '2025-11-06T12:34:56.007Z',
        payload: events[i],
      });
      expect(record.PartitionKey).toBe(chainOf(envelope));
    });
  });

  it('spreads the items of a batch over lanes', () => {
    const events = Array.from({ length: 6 }, (_, i) => ({ system: 'hot', event_id: `e${i}` }));
    const request = JSON.parse(
      renderVtl(
        putRecordsTemplate({ ...options, route: 'batch', lanes: 3 }),
        { events },
        gateway(),
      ),
    );
    const keys = request.Records.map((r: { PartitionKey: string }) => r.PartitionKey);
    expect(new Set(keys)).toEqual(new Set(['hot#0', 'hot#1', 'hot#2']));
  });

  it('answers per item in request order, failed items with their error code', () => {
    const gw = gateway();
    const answer = JSON.parse(
      renderVtl(
        batchResponseTemplate(),
        {
          FailedRecordCount: 1,
          Records: [
            { SequenceNumber: '1', ShardId: 'shardId-0' },
            { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'Rate exceeded' },
          ],
        },
        gw,
      ),
    );
    expect(answer).toEqual({
      request_id: gw.requestId,
      failed: 1,
      results: [
        { index: 0, request_id: `${gw.requestId}:0`, status: 'accepted' },
        {
          index: 1,
          request_id: `${gw.requestId}:1`,
          status: 'failed',
          error: 'ProvisionedThroughputExceededException',
        },
      ],
    });
  });
});
