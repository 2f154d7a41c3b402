import { describe, expect, it } from 'vitest';
import { parseBatch } from '#core/events/batch.ts';
import { normalise } from '#core/events/normalise.ts';
import { formatPath, joinPath, prefixProblems } from '#core/events/problem.ts';
import { envelopeOf } from './seeds.ts';

const event = { decision_id: 'd-1', output: { decision: 'deny' } };

describe('parseBatch', () => {
  it.each([
    ['1 event', { events: [event] }, 1],
    ['500 events of any shape', { events: Array.from({ length: 500 }, (_, i) => i) }, 500],
  ])('accepts %s', (_name, body, count) => {
    // Act
    const result = parseBatch(body);

    // Assess
    expect(result.ok && result.events.length).toBe(count);
  });

  it.each([
    [
      '501 events',
      { events: Array.from({ length: 501 }, () => event) },
      { path: 'events', expected: 'at most 500 items', received: '501 items' },
    ],
    [
      'no events',
      { events: [] },
      { path: 'events', message: 'must not be empty', received: '0 items' },
    ],
    [
      'no events field',
      { items: [event] },
      { path: 'events', message: 'is required', received: 'missing' },
    ],
    [
      'events as an object',
      { events: { a: event } },
      { path: 'events', expected: 'array', received: 'object' },
    ],
    ['a bare array', [event], { path: '', expected: 'object', received: 'array' }],
  ])('rejects %s', (_name, body, problem) => {
    // Act
    const result = parseBatch(body);

    // Assess
    expect(result.ok === false && result.problems).toEqual([expect.objectContaining(problem)]);
  });

  it('lets each event be answered on its own, with paths like events[1].event_id', () => {
    // Prepare
    const batch = parseBatch({ events: [event, { ...event, event_id: 42 }] });
    const events = batch.ok ? batch.events : [];

    // Act
    const answers = events.map((payload, i) => {
      const result = normalise({ ...envelopeOf(payload), request_id: `req:${i}` });
      return result.ok ? result.event.event_id : prefixProblems(`events[${i}]`, result.problems);
    });

    // Assess
    expect(answers).toEqual([
      'd-1',
      [
        expect.objectContaining({
          path: 'events[1].event_id',
          expected: 'string',
          received: 'number',
        }),
      ],
    ]);
  });
});

describe('paths', () => {
  it.each([
    [['output', 'decision'], 'output.decision'],
    [['events', 3, 'event_id'], 'events[3].event_id'],
    [['inputs', 'credit score'], 'inputs["credit score"]'],
    [[0, 'a'], '[0].a'],
    [[], ''],
  ])('formatPath(%j) → %s', (segments, expected) => {
    // Act / Assess
    expect(formatPath(segments)).toBe(expected);
  });

  it.each([
    ['events[3]', 'output.decision', 'events[3].output.decision'],
    ['events[3]', '[0]', 'events[3][0]'],
    ['events[3]', '', 'events[3]'],
    ['', 'output', 'output'],
  ])('joinPath(%s, %s) → %s', (prefix, path, expected) => {
    // Act / Assess
    expect(joinPath(prefix, path)).toBe(expected);
  });
});
