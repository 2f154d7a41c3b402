import { describe, expect, it } from 'vitest';
import { EventQueue, IdMember, type Serialise } from '../../../packages/client/src/queue.ts';

/** Serialises with the id in front when generated; counts calls per id. */
const counting = () => {
  const calls = new Map<string, number>();
  const serialise: Serialise = (id, event, idMember) => {
    calls.set(id, (calls.get(id) ?? 0) + 1);
    const json = JSON.stringify(event);
    return idMember === IdMember.None ? json : `{"event_id":"${id}",${json.slice(1)}`;
  };
  return { calls, serialise };
};

describe('client event queue', () => {
  it('keeps order across ring growth and wrap-around, serialising only when taken', () => {
    const queue = new EventQueue(5_000);
    const { calls, serialise } = counting();
    for (let i = 0; i < 3_000; i++) queue.push(`e${i}`, { n: i }, IdMember.EventId);
    expect(calls.size).toBe(0);
    const first = queue.take(1_000, Number.POSITIVE_INFINITY, serialise);
    for (let i = 3_000; i < 4_500; i++) queue.push(`e${i}`, { n: i }, IdMember.None);
    const rest = [...first, ...queue.take(10_000, Number.POSITIVE_INFINITY, serialise)];
    expect(rest.map((e) => e.id)).toEqual(Array.from({ length: 4_500 }, (_, i) => `e${i}`));
    expect(rest[0]?.json).toBe('{"event_id":"e0","n":0}');
    expect(rest[4_499]?.json).toBe('{"n":4499}');
    expect(calls.size).toBe(4_500);
  });

  it('drops the oldest waiting event when waiting plus in flight reach the capacity', () => {
    const queue = new EventQueue(3);
    expect(queue.push('a', {}, IdMember.None)).toBeUndefined();
    expect(queue.push('b', {}, IdMember.None)).toBeUndefined();
    // One more event is in flight: a, b and it fill the buffer.
    expect(queue.push('c', {}, IdMember.None, 1)).toBe('a');
    expect(queue.push('d', {}, IdMember.None, 3)).toBe('b');
    expect(queue.length).toBe(2);
    // Nothing waiting and the capacity all in flight: the new event itself is dropped.
    const empty = new EventQueue(1);
    expect(empty.push('x', {}, IdMember.None, 1)).toBe('x');
    expect(queue.dropped + empty.dropped).toBe(3);
  });

  it('bounds a batch by bytes, keeping the next event serialised once, and skips what fails', () => {
    const queue = new EventQueue(10);
    const { calls, serialise } = counting();
    const failing: Serialise = (id, event, member) =>
      id === 'bad' ? undefined : serialise(id, event, member);
    queue.push('a', { text: 'x'.repeat(40) }, IdMember.None);
    queue.push('bad', {}, IdMember.None);
    queue.push('b', { text: 'y'.repeat(40) }, IdMember.None);
    queue.push('c', { text: 'z'.repeat(40) }, IdMember.None);
    expect(queue.take(10, 60, failing).map((e) => e.id)).toEqual(['a']);
    expect(queue.take(10, 120, failing).map((e) => e.id)).toEqual(['b', 'c']);
    expect(calls.get('b')).toBe(1);
    expect(queue.length).toBe(0);
  });
});
