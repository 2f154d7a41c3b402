import { appendFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type DurableStream,
  type DurableStreamOptions,
  openDurableStream,
  StreamClosedError,
} from '#adapters/local/durable-stream.ts';
import type { IntakeEnvelope } from '#core/events/envelope.ts';
import type { EnvelopeOutcome } from '#core/pipeline/outcome.ts';
import { memoryLog } from '#test/helpers/memory-log.ts';
import { silentLog } from '#test/helpers/silent-log.ts';
import { removeDir, tempDir } from '#test/helpers/temp-dir.ts';
import { until } from '#test/helpers/until.ts';
import { envelopes, failed, indexOf, partitionOf, recorded } from './stream-envelopes.ts';

type Consumer = DurableStreamOptions['consumer'];

/** Consumer that records every delivery and every envelope it answered `recorded` for. */
const recordingConsumer = (decide: (e: IntakeEnvelope) => EnvelopeOutcome = recorded) => {
  const delivered: IntakeEnvelope[] = [];
  const done: IntakeEnvelope[] = [];
  const batches: number[] = [];
  const consumer: Consumer = async (batch) => {
    batches.push(batch.length);
    delivered.push(...batch);
    const outcomes = batch.map(decide);
    // Like processBatch: after a failure, the rest of that partition fails too.
    const failedPartitions = new Set<string>();
    return outcomes.map((outcome, i) => {
      const e = batch[i] as IntakeEnvelope;
      if (failedPartitions.has(partitionOf(e)) || outcome.status === 'failed') {
        failedPartitions.add(partitionOf(e));
        return failed(e);
      }
      done.push(e);
      return outcome;
    });
  };
  return { consumer, delivered, done, batches };
};

const indicesOf = (list: readonly IntakeEnvelope[], partition: string): number[] =>
  list.filter((e) => partitionOf(e) === partition).map(indexOf);

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe('durable stream', () => {
  let dir: string;
  const open: DurableStream[] = [];

  beforeEach(async () => {
    dir = await tempDir('durable-stream-');
  });

  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
    await removeDir(dir);
  });

  const openStream = async (
    consumer: Consumer,
    options: Partial<DurableStreamOptions> = {},
  ): Promise<DurableStream> => {
    const stream = await openDurableStream(dir, {
      consumer,
      partitionKeyOf: partitionOf,
      batchWindowMs: 1,
      retry: { baseMs: 5, maxMs: 20 },
      log: silentLog,
      ...options,
    });
    open.push(stream);
    return stream;
  };

  it('delivers every envelope once, in order per partition, in bounded batches', async () => {
    // Prepare
    const c = recordingConsumer();
    const stream = await openStream(c.consumer, { batchSize: 50 });

    // Act
    await Promise.all([
      stream.publish(envelopes('a', 120)),
      stream.publish(envelopes('b', 80)),
      stream.publish(envelopes('c', 30)),
    ]);
    await stream.drain();

    // Assess
    expect(indicesOf(c.delivered, 'a')).toEqual(range(120));
    expect(indicesOf(c.delivered, 'b')).toEqual(range(80));
    expect(indicesOf(c.delivered, 'c')).toEqual(range(30));
    expect(Math.max(...c.batches)).toBeLessThanOrEqual(50);
    expect(stream.stats()).toMatchObject({ published: 230, processed: 230, pending: 0 });
  });

  it('redelivers a failing partition from the failed envelope while others keep flowing', async () => {
    // Prepare
    let failuresLeft = 3;
    const c = recordingConsumer((e) => {
      if (partitionOf(e) === 'bad' && indexOf(e) === 5 && failuresLeft > 0) {
        failuresLeft--;
        return failed(e);
      }
      return recorded(e);
    });
    const stream = await openStream(c.consumer, { batchSize: 10 });

    // Act
    for (let i = 0; i < 4; i++) {
      await stream.publish([...envelopes('bad', 5, i * 5), ...envelopes('good', 5, i * 5)]);
    }
    await stream.drain();

    // Assess
    expect(indicesOf(c.done, 'bad')).toEqual(range(20));
    expect(indicesOf(c.done, 'good')).toEqual(range(20));
    expect(indicesOf(c.delivered, 'good')).toEqual(range(20));
    const badDeliveries = indicesOf(c.delivered, 'bad');
    expect(badDeliveries.filter((i) => i === 5)).toHaveLength(4);
    expect(stream.stats().redeliveries).toBeGreaterThanOrEqual(3);
  });

  it('keeps delivering other partitions while a failed one waits for its retry', async () => {
    // Prepare: partition "bad" always fails, with a backoff longer than the whole test.
    const c = recordingConsumer((e) => (partitionOf(e) === 'bad' ? failed(e) : recorded(e)));
    const stream = await openStream(c.consumer, { retry: { baseMs: 600_000, maxMs: 600_000 } });
    await stream.publish(envelopes('bad', 1));
    await until(() => c.delivered.length === 1);

    // Act: a healthy partition publishes while "bad" waits for its retry.
    await stream.publish(envelopes('good', 1));
    await until(() => c.done.length === 1, 60_000);

    // Assess: "good" was delivered while "bad" still waited (its one delivery so far).
    expect(indicesOf(c.done, 'good')).toEqual([0]);
    expect(indicesOf(c.delivered, 'bad')).toEqual([0]);
  });

  it('redelivers the whole batch after the consumer throws', async () => {
    // Prepare
    let throws = 2;
    const c = recordingConsumer();
    const consumer: Consumer = async (batch) => {
      if (throws-- > 0) throw new Error('processor down');
      return c.consumer(batch);
    };
    const log = memoryLog();
    const stream = await openStream(consumer, { log });

    // Act
    await stream.publish([...envelopes('a', 10), ...envelopes('b', 10)]);
    await stream.drain();

    // Assess
    expect(indicesOf(c.done, 'a')).toEqual(range(10));
    expect(indicesOf(c.done, 'b')).toEqual(range(10));
    expect(stream.stats().redeliveries).toBeGreaterThanOrEqual(20);
    expect(log.lines.some((l) => l.level === 'warn')).toBe(true);
  });

  it('replays what was not committed when reopened after a crash', async () => {
    // Prepare: the first stream processes 20 envelopes, then its consumer hangs forever.
    let budget = 20;
    const first = recordingConsumer();
    const hanging: Consumer = (batch) => {
      if (budget <= 0) return new Promise(() => undefined);
      budget -= batch.length;
      return first.consumer(batch);
    };
    const crashed = await openDurableStream(dir, {
      consumer: hanging,
      partitionKeyOf: partitionOf,
      batchSize: 10,
      batchWindowMs: 1,
      log: silentLog,
    });
    await crashed.publish(envelopes('a', 20));
    await until(() => crashed.stats().processed === 20);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await crashed.publish(envelopes('a', 30, 20));

    // Act: abandon it without drain or close, and open the same directory again.
    const second = recordingConsumer();
    const stream = await openStream(second.consumer);
    await stream.drain();

    // Assess
    const replayed = indicesOf(second.delivered, 'a');
    expect(replayed).toEqual(range(50).slice(replayed[0]));
    expect(replayed[0]).toBeLessThanOrEqual(20);
    expect(stream.stats().replayed).toBe(replayed.length);
  });

  it('group-commits concurrent publishes into far fewer fsyncs', async () => {
    // Prepare
    const c = recordingConsumer();
    const stream = await openStream(c.consumer);

    // Act
    await Promise.all(range(300).map((i) => stream.publish(envelopes(`p${i % 7}`, 1, i))));

    // Assess
    const { published, fsyncs } = stream.stats();
    expect(published).toBe(300);
    expect(fsyncs).toBeGreaterThan(0);
    expect(fsyncs).toBeLessThan(30);
  });

  it('drains: refuses new events and resolves once everything is processed', async () => {
    // Prepare
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const c = recordingConsumer();
    const stream = await openStream(async (batch) => {
      await gate;
      return c.consumer(batch);
    });
    await stream.publish(envelopes('a', 25));

    // Act
    const draining = stream.drain();
    const refused = stream.publish(envelopes('a', 1, 25)).catch((error: unknown) => error);
    setTimeout(release, 20);
    await draining;

    // Assess
    expect(await refused).toBeInstanceOf(StreamClosedError);
    expect(indicesOf(c.done, 'a')).toEqual(range(25));
    expect(stream.stats().pending).toBe(0);
  });

  it('rotates WAL segments and deletes those fully committed', async () => {
    // Prepare
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const c = recordingConsumer();
    const stream = await openStream(
      async (batch) => {
        await gate;
        return c.consumer(batch);
      },
      { segmentBytes: 2048 },
    );
    for (let i = 0; i < 20; i++) await stream.publish(envelopes('a', 5, i * 5));
    const walFiles = async () => (await readdir(dir)).filter((n) => n.startsWith('wal-'));
    const before = await walFiles();

    // Act
    release();
    await stream.drain();

    // Assess
    expect(before.length).toBeGreaterThan(5);
    expect(await walFiles()).toHaveLength(1);
    expect(stream.stats().walSegments).toBe(1);
    expect(indicesOf(c.done, 'a')).toEqual(range(100));
  });

  it('cuts a torn WAL tail and replays the intact entries', async () => {
    // Prepare
    const hung = await openDurableStream(dir, {
      consumer: () => new Promise(() => undefined),
      partitionKeyOf: partitionOf,
      log: silentLog,
    });
    await hung.publish(envelopes('a', 3));
    const [segment] = (await readdir(dir)).filter((n) => n.startsWith('wal-'));
    await appendFile(join(dir, segment as string), '{"n":3,"k":"a","e":{"v":1,"rou');
    const log = memoryLog();

    // Act
    const c = recordingConsumer();
    const stream = await openStream(c.consumer, { log });
    await stream.drain();

    // Assess
    expect(indicesOf(c.done, 'a')).toEqual(range(3));
    expect(log.lines.some((l) => l.message.includes('torn'))).toBe(true);
  });
});
