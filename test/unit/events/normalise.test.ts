import { describe, expect, it } from 'vitest';
import { chainKeyOf } from '#core/events/chain-key.ts';
import { normalise, rememberNormalised } from '#core/events/normalise.ts';
import type { Problem } from '#core/events/problem.ts';
import { envelopeOf } from './seeds.ts';

const inference = { event_id: 'e-1', input: { messages: [{ role: 'user', content: 'hi' }] } };
const decision = { decision_id: 'd-1', output: { decision: 'approve', reason: 'fine' } };

function nested(depth: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

describe('normalise: kind, id and source', () => {
  it.each([
    ['input.messages', inference, 'log', 'inference', 'e-1'],
    [
      'input.messages as one prompt text',
      { input: { messages: 'hi' } },
      'log',
      'inference',
      'req-0001',
    ],
    [
      'output.content only',
      { output: { content: 'hello' } },
      'decision_log',
      'inference',
      'req-0001',
    ],
    ['decision_id', { decision_id: 'd-1', output: 'text' }, 'audit_event', 'decision', 'd-1'],
    ['output.decision only', { output: { decision: true } }, 'audit_event', 'decision', 'req-0001'],
    [
      'both markers on audit_event',
      { ...inference, decision_id: 'd-9' },
      'audit_event',
      'inference',
      'e-1',
    ],
    [
      'both markers on another route',
      { ...decision, input: { messages: [] } },
      'log',
      'decision',
      'd-1',
    ],
    ['event_id before decision_id', { ...decision, event_id: 'e-7' }, 'log', 'decision', 'e-7'],
  ])('%s → %s', (_name, payload, route, kind, eventId) => {
    // Act
    const result = normalise(envelopeOf(payload, route));

    // Assess
    expect(result.ok && { kind: result.event.kind, id: result.event.event_id }).toEqual({
      kind,
      id: eventId,
    });
  });

  it('keeps unknown fields in the body', () => {
    // Prepare
    const payload = { ...decision, extra: { nested: [1, 2] }, tags: ['a'] };

    // Act
    const result = normalise(envelopeOf(payload));

    // Assess
    expect(result.ok && result.event.body).toEqual(payload);
  });
});

describe('normalise: chain key', () => {
  it.each([
    ['application_id first', { application_id: 'a', application: 'b', system: 'c' }, 'a'],
    ['then application', { application: 'b', application_name: 'n', system: 'c' }, 'b'],
    ['then application_name', { application_name: 'n', system: 'c' }, 'n'],
    ['then system', { system: 'c', metadata: { application: 'm' } }, 'c'],
    ['then metadata.application', { metadata: { application: 'm' } }, 'm'],
    ['else default', { metadata: { team: 'x' } }, 'default'],
    ['skipping invalid candidates', { application_id: ' padded', system: 's' }, 's'],
    ['of a non-object', ['application_id'], 'default'],
  ])('%s', (name, fields, expected) => {
    // Act (normalise takes no array, and refuses an event whose own application_id is invalid)
    const key = chainKeyOf(fields);
    const result =
      Array.isArray(fields) || name === 'skipping invalid candidates'
        ? undefined
        : normalise(envelopeOf({ ...decision, ...fields }));

    // Assess
    expect(key).toBe(expected);
    if (result !== undefined) expect(result.ok && result.event.chain_key).toBe(expected);
  });
});

describe('normalise: rejections', () => {
  it.each<[string, unknown, Partial<Problem>[]]>([
    ['not an object', [inference], [{ path: '', expected: 'object', received: 'array' }]],
    ['a string', 'hello', [{ path: '', expected: 'object', received: 'string' }]],
    ['no kind field', { event_id: 'e', output: 'x' }, [{ path: '', received: 'none of them' }]],
    ['empty object', {}, [{ path: '', received: 'none of them' }]],
    [
      'numeric event_id',
      { ...inference, event_id: 42 },
      [{ path: 'event_id', expected: 'string', received: 'number' }],
    ],
    [
      'empty decision_id',
      { ...decision, decision_id: '' },
      [
        {
          path: 'decision_id',
          message: 'must not be empty',
          expected: 'at least 1 character',
          received: '0 characters',
        },
      ],
    ],
    [
      'too long event_id',
      { ...inference, event_id: 'x'.repeat(257) },
      [{ path: 'event_id', expected: 'at most 256 characters', received: '257 characters' }],
    ],
    [
      'control character in id',
      { ...decision, decision_id: 'a\nb' },
      [{ path: 'decision_id', message: 'must not contain control characters' }],
    ],
    [
      'null decision',
      { output: { decision: null } },
      [{ path: 'output.decision', expected: 'string | number | boolean', received: 'null' }],
    ],
    [
      'list decision',
      { decision_id: 'd', output: { decision: ['a'] } },
      [{ path: 'output.decision', received: 'array' }],
    ],
    [
      'numeric output',
      { decision_id: 'd', output: 5 },
      [{ path: 'output', expected: 'string | array | object', received: 'number' }],
    ],
    [
      'messages of numbers',
      { input: { messages: [1] } },
      [{ path: 'input.messages[0]', expected: 'string | object', received: 'number' }],
    ],
    ['null content', { output: { content: null } }, [{ path: 'output.content', received: 'null' }]],
    [
      'bad timestamp',
      { ...decision, timestamp: '15/01/2024' },
      [{ path: 'timestamp', expected: 'ISO 8601 date-time', received: 'string' }],
    ],
    [
      'epoch timestamp',
      { ...decision, timestamp: 1705314600 },
      [{ path: 'timestamp', expected: 'string', received: 'number' }],
    ],
    [
      'long chain key',
      { ...decision, application_id: 'a'.repeat(129) },
      [{ path: 'application_id', expected: 'at most 128 characters' }],
    ],
    [
      'padded chain key',
      { ...decision, system: 'app ' },
      [
        {
          path: 'system',
          expected: expect.stringMatching(/^string matching \//),
          received: 'string',
        },
      ],
    ],
    [
      'numeric application',
      { ...decision, application: 7 },
      [{ path: 'application', expected: 'string' }],
    ],
    [
      'numeric user id',
      { ...inference, user: { id: 5 } },
      [{ path: 'user.id', expected: 'string', received: 'number' }],
    ],
    [
      'string confidence',
      { ...decision, confidence: 'high' },
      [{ path: 'confidence', expected: 'number', received: 'string' }],
    ],
    [
      'too deep',
      { ...decision, inputs: nested(70) },
      [{ path: '', expected: 'at most 64 levels of nesting' }],
    ],
  ])('%s', (_name, payload, problems) => {
    // Act
    const result = normalise(envelopeOf(payload, 'log'));

    // Assess
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.problems).toEqual(problems.map((p) => expect.objectContaining(p)));
  });

  it('lists every offending field in one answer', () => {
    // Prepare
    const payload = { decision_id: 7, timestamp: 'yesterday', application_id: '', confidence: '1' };

    // Act
    const result = normalise(envelopeOf(payload));

    // Assess
    const paths = result.ok ? [] : result.problems.map((problem) => problem.path).sort();
    expect(paths).toEqual(['application_id', 'confidence', 'decision_id', 'timestamp']);
  });
});

describe('normalise: texts', () => {
  it('walks every string of the payload at any depth, in document order, with field paths', () => {
    // Prepare
    const payload = {
      event_id: 'e-1',
      input: {
        messages: [{ role: 'user', content: [{ type: 'text', text: 'my card 4111' }] }],
        'odd key': 'x',
      },
      inputs: { note: 'n' },
      output: { content: 'done', tool_calls: [{ function: { arguments: '{"to":"bob"}' } }] },
      context: ['doc one'],
      retrieved_context: { chunks: ['doc two'] },
      tool_calls: [{ result: 'ok' }],
      metadata: { notes: 'card 4111 1111 1111 1111', tags: [{ deep: ['jane@example.com'] }] },
      confidence: 0.5,
      prompt: 'SSN 536-22-1234',
      empty: '',
    };

    // Act
    const result = normalise(envelopeOf(payload));

    // Assess
    expect(result.ok && result.event.texts).toEqual([
      { field: 'event_id', text: 'e-1' },
      { field: 'input.messages[0].role', text: 'user' },
      { field: 'input.messages[0].content[0].type', text: 'text' },
      { field: 'input.messages[0].content[0].text', text: 'my card 4111' },
      { field: 'input["odd key"]', text: 'x' },
      { field: 'inputs.note', text: 'n' },
      { field: 'output.content', text: 'done' },
      { field: 'output.tool_calls[0].function.arguments', text: '{"to":"bob"}' },
      { field: 'context[0]', text: 'doc one' },
      { field: 'retrieved_context.chunks[0]', text: 'doc two' },
      { field: 'tool_calls[0].result', text: 'ok' },
      { field: 'metadata.notes', text: 'card 4111 1111 1111 1111' },
      { field: 'metadata.tags[0].deep[0]', text: 'jane@example.com' },
      { field: 'prompt', text: 'SSN 536-22-1234' },
    ]);
  });

  it('reports a text output as the field `output`', () => {
    // Act
    const result = normalise(envelopeOf({ decision_id: 'd', output: 'approved' }));

    // Assess
    expect(result.ok && result.event.texts).toEqual([
      { field: 'decision_id', text: 'd' },
      { field: 'output', text: 'approved' },
    ]);
  });
});

describe('normalise on the guardrail route', () => {
  const guardrail = (payload: unknown) =>
    normalise({ v: 1, route: 'guardrail', request_id: 'r-1', received_at: 'x', payload });

  it('chains an evaluated guardrail call as an inference of its application', () => {
    const result = guardrail({ text: 'hello', direction: 'output', application: 'support' });
    expect(result.ok && [result.event.kind, result.event.chain_key, result.event.event_id]).toEqual(
      ['inference', 'support', 'r-1'],
    );
  });

  it('rejects a payload that is not a guardrail request', () => {
    const result = guardrail({ decision_id: 'd1', output: { decision: 'deny' } });
    expect(result.ok).toBe(false);
  });
});

describe('normalise: an envelope the route already normalised', () => {
  it('answers the kept result for the same payload, route and request id, without validating again', () => {
    // Prepare: the route normalises and keeps the result on the envelope it publishes
    const envelope = envelopeOf(structuredClone(decision), 'decision_log');
    const result = normalise(envelope);
    rememberNormalised(envelope, result);

    // Act
    const again = normalise(envelope);

    // Assess: the very same object (no second validation); nothing shows in JSON or keys
    expect(again).toBe(result);
    expect(JSON.stringify(envelope)).not.toContain('normalised');
    expect(Object.keys({ ...envelope })).toEqual(Object.keys(envelopeOf(decision)));
    // An envelope never remembered is validated on each call: a new result every time
    const plain = envelopeOf(structuredClone(decision), 'decision_log');
    expect(normalise(plain)).not.toBe(normalise(plain));
  });

  it('validates again once the payload, route or request id is not what the result was made from', () => {
    const remembered = () => {
      const envelope = envelopeOf({ output: { decision: 'approve' } }, 'decision_log');
      return rememberNormalised(envelope, normalise(envelope));
    };
    const newPayload = Object.assign(remembered(), { payload: { decision_id: 42 } });
    const newRoute = Object.assign(remembered(), { route: 'guardrail' });
    const newId = Object.assign(remembered(), { request_id: 'req-0002' });

    // Remembered a second time (a retried publish): no throw, the newer result is kept
    const twice = remembered();
    const newer = normalise(envelopeOf({ output: { decision: 'approve' } }, 'decision_log'));
    expect(() => rememberNormalised(twice, newer)).not.toThrow();
    expect(normalise(twice)).toBe(newer);

    expect(normalise(newPayload).ok).toBe(false);
    expect(normalise(newRoute).ok).toBe(false);
    const renamed = normalise(newId);
    expect(renamed.ok && renamed.event.event_id).toBe('req-0002');
  });
});
