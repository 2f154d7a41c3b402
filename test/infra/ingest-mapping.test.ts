/**
 * Renders the API Gateway mapping templates with velocityjs (a JavaScript VTL engine) and
 * stand-ins for API Gateway's `$input`, `$context` and `$util`, so the envelope, partition
 * key and answers are checked against the core's own rules. Java-only string methods the
 * templates use (`replaceAll` with a regex, `contains`) are installed for each render.
 */
import { Buffer } from 'node:buffer';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { admitEnvelope } from '#core/access/admit.ts';
import { principalContext } from '#core/access/principal-context.ts';
import type { Principal } from '#core/access/roles.ts';
import { chainKeyOf } from '#core/events/chain-key.ts';
import type { IntakeEnvelope } from '#core/events/envelope.ts';
import { laneHash, laneOf } from '#core/events/lanes.ts';
import { normalise } from '#core/events/normalise.ts';
import { chainOf } from '#core/pipeline/chain-of.ts';
import {
  acceptedResponseTemplate,
  batchResponseTemplate,
  OVERRIDE_REFUSED,
  putRecordsTemplate,
  putRecordTemplate,
  streamErrorResponseTemplate,
} from '#lib/constructs/ingest-mapping.ts';
import { projectRoot } from '#lib/paths.ts';
import { type Gateway, gateway, renderVtl } from '#test/helpers/vtl.ts';

const seedsDir = `${projectRoot}/test/fixtures/seeds`;
const seeds = readdirSync(seedsDir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => [f, JSON.parse(readFileSync(`${seedsDir}/${f}`, 'utf8')) as unknown] as const);

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
        submitter: { key_id: 'dev', tenant: 'default' },
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

  it('spreads a key over lanes by the event id: partition key and chain `<key>~<lane>`', () => {
    const lanes = new Set<string>();
    for (let n = 0; n < 40; n++) {
      const payload = { system: 'hot', event_id: `evt_${n}` };
      const template = putRecordTemplate({ ...options, lanes: 4 });
      // Another request time and request id: the same lane (a retry lands where it was).
      const [first, again] = [gateway(0), gateway(Date.UTC(2026, 1, 2))].map((gw) =>
        JSON.parse(renderVtl(template, payload, gw)),
      );
      const envelope = decode(first.Data);
      expect(envelope.lane).toBe(String(laneOf(payload.event_id, 4)));
      expect(first.PartitionKey).toBe(`hot~${envelope.lane}`);
      expect(chainOf(envelope)).toBe(first.PartitionKey);
      expect(again.PartitionKey).toBe(first.PartitionKey);
      lanes.add(first.PartitionKey);
    }
    expect(lanes.size).toBe(4);
  });

  it('lanes a payload without an event id by its request id, as the processor names it', () => {
    const gw = gateway();
    const request = JSON.parse(
      renderVtl(putRecordTemplate({ ...options, lanes: 7 }), { system: 'hot' }, gw),
    );
    expect(request.PartitionKey).toBe(`hot~${laneOf(gw.requestId, 7)}`);
  });

  it('hashes like Java, negative hashes included (floor modulo)', () => {
    // Known Java values: "hello".hashCode() = 99162322; this one is Integer.MIN_VALUE.
    expect(laneHash('hello')).toBe(99162322);
    expect(laneHash('polygenelubricants')).toBe(-2147483648);
    const ids = ['polygenelubricants', 'zzzzzzzzzzzz', 'ünï-ködé', 'hello'];
    for (const id of ids) {
      const request = JSON.parse(
        renderVtl(
          putRecordTemplate({ ...options, lanes: 5 }),
          { system: 's', event_id: id },
          gateway(),
        ),
      );
      expect(request.PartitionKey).toBe(`s~${laneOf(id, 5)}`);
      expect(laneOf(id, 5)).toBeGreaterThanOrEqual(0);
    }
  });

  it('lanes only the keys under a configured prefix, the longest prefix first', () => {
    const lanes = { hot: 4, 'hot-quiet': 1, '': 1 };
    const template = putRecordTemplate({ ...options, lanes });
    const keyOf = (system: string, event_id: string) =>
      JSON.parse(renderVtl(template, { system, event_id }, gateway())).PartitionKey;
    const envelopeOf = (system: string) =>
      decode(JSON.parse(renderVtl(template, { system, event_id: 'e1' }, gateway())).Data);
    expect(keyOf('hot-app', 'e1')).toBe(`hot-app~${laneOf('e1', 4)}`);
    expect(keyOf('hot-quiet-app', 'e1')).toBe('hot-quiet-app');
    expect(keyOf('cold', 'e1')).toBe('cold');
    expect(envelopeOf('cold')).not.toHaveProperty('lane');
    expect(envelopeOf('hot-app').lane).toBe(String(laneOf('e1', 4)));
  });

  it('keeps the one-lane template as it was (no lane, no hash)', () => {
    for (const lanes of [1, { '': 1 }, { app: 1 }]) {
      const t = putRecordTemplate({ ...options, lanes });
      expect(t).toBe(putRecordTemplate(options));
      expect(t).not.toContain('hashCode');
    }
  });

  it('refuses a prefix the template could not hold literally', () => {
    expect(() => putRecordTemplate({ ...options, lanes: { 'a"b': 2 } })).toThrow(/prefix/);
    expect(() => putRecordTemplate({ ...options, lanes: { a: 65 } })).toThrow(/1\.\.64/);
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
    [{ __type: 'KMSInvalidStateException', message: 'key disabled' }, undefined, 'unavailable'],
  ])('maps a Kinesis refusal %j to %s', (error, status, code) => {
    const gw = gateway();
    const answer = JSON.parse(renderVtl(streamErrorResponseTemplate(), error, gw));
    expect(answer).toEqual({ error: code, message: expect.stringContaining(`(${error.__type})`) });
    expect(gw.responseOverride.status).toBe(status);
  });
});

/** A principal as the authorizer's context. */
const as = (principal: Principal): Gateway => ({
  ...gateway(),
  authorizer: { ...principalContext(principal) },
});

/** What the core admits for this principal and payload: the stamped envelope, or the 403
 * message (admitEnvelope, as the local server runs it). */
const localAnswer = (principal: Principal, payload: unknown) => {
  try {
    const admitted = admitEnvelope(principal, {
      v: 1,
      route: 'audit_event',
      request_id: 'r',
      received_at: 't',
      payload,
    });
    return { submitter: admitted.submitter };
  } catch (error) {
    return { refused: (error as Error).message };
  }
};

/** The same through the templates: the request template, then (refused) Kinesis's 400 and
 * the 4xx response template. */
const gatewayAnswer = (gw: Gateway, template: string, body: unknown) => {
  const request = JSON.parse(renderVtl(template, body, gw));
  const refused = gw.override[OVERRIDE_REFUSED];
  if (refused === undefined) {
    const records: { Data: string }[] = request.Records ?? [request];
    return { submitter: decode(records[0]?.Data ?? '').submitter, request };
  }
  const answer = JSON.parse(
    renderVtl(streamErrorResponseTemplate(), { __type: 'ValidationException' }, gw),
  );
  expect(gw.responseOverride.status).toBe(403);
  expect(answer.error).toBe('forbidden');
  return { refused: answer.message, request };
};

const ingest = (chains: string[], tenant = 'default'): Principal => ({
  key_id: 'key_i',
  tenant,
  role: 'ingest',
  chains,
});

describe("admission by the authorizer's principal (as core/access/admit.ts)", () => {
  it.each([
    ['in scope', ingest(['loan']), { application_id: 'loans' }],
    ['all chains', ingest(['*']), { application_id: 'anything' }],
    ["another tenant's key", ingest(['*'], 'acme'), { application_id: 'x' }],
    ['out of scope', ingest(['loan']), { application_id: 'cards' }],
    ['the default chain out of scope', ingest(['loan']), { output: { content: 'x' } }],
    ['a reserved chain', ingest(['*']), { application_id: '_access' }],
    ['a name of another tenant', ingest(['*']), { application_id: 'acme::app' }],
    ['a tenant-like name in a tenant', ingest(['*'], 'acme'), { application_id: 'beta::app' }],
    ['quotes in the chain', ingest(['*']), { application_id: 'say "hi"' }],
  ])('%s: the same answer as the local server', (_name, principal, payload) => {
    // Act
    const single = gatewayAnswer(as(principal), putRecordTemplate(options), payload);
    const batch = gatewayAnswer(as(principal), putRecordsTemplate({ ...options, route: 'batch' }), {
      events: [
        { application_id: principal.chains[0] === '*' ? 'ok' : principal.chains[0] },
        payload,
      ],
    });

    // Assess
    const local = localAnswer(principal, payload);
    const { request, ...answer } = single;
    expect(answer).toEqual(local);
    if ('refused' in local) {
      // Nothing of the event reaches the stream: Kinesis refuses an empty key.
      expect(request.PartitionKey).toBe('');
      expect(request.Data).toBe('');
      expect(batch.refused).toBe(local.refused);
      expect(batch.request.Records).toEqual([]);
    } else {
      expect(batch.refused).toBeUndefined();
    }
  });

  it('refuses a call with no authorizer context', () => {
    const gw: Gateway = { ...gateway(), authorizer: {} };
    expect(gatewayAnswer(gw, putRecordTemplate(options), { application_id: 'a' }).refused).toBe(
      'this key may not call this route',
    );
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
        submitter: { key_id: 'dev', tenant: 'default' },
      });
      expect(record.PartitionKey).toBe(chainOf(envelope));
    });
  });

  it('spreads the items of a batch over lanes by their event ids (request id `:i` without)', () => {
    const output = { content: 'ok' };
    const events: { system: string; event_id?: string; decision_id?: string }[] = Array.from(
      { length: 12 },
      (_, i) => ({ system: 'hot', event_id: `e${i}`, output }),
    );
    events.push({ system: 'hot', decision_id: 'd1' }, { system: 'hot', output } as never);
    const gw = gateway();
    const request = JSON.parse(
      renderVtl(putRecordsTemplate({ ...options, route: 'batch', lanes: 3 }), { events }, gw),
    );
    const keys = request.Records.map((r: { PartitionKey: string }) => r.PartitionKey);
    const ids = events.map((e, i) => e.event_id ?? e.decision_id ?? `${gw.requestId}:${i}`);
    expect(keys).toEqual(ids.map((id) => `hot~${laneOf(id, 3)}`));
    expect(new Set(keys)).toEqual(new Set(['hot~0', 'hot~1', 'hot~2']));
    request.Records.forEach((r: { PartitionKey: string; Data: string }, i: number) => {
      const envelope = decode(r.Data);
      expect(chainOf(envelope)).toBe(r.PartitionKey);
      const normalised = normalise(envelope);
      expect(normalised.ok && normalised.event.event_id).toBe(ids[i]);
    });
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
