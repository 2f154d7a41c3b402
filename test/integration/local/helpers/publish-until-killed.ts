/**
 * Child process for the kill -9 test: publishes envelopes from several concurrent
 * publishers and appends each acknowledged request id to `<out>/acked`, and each id the
 * consumer finished to `<out>/done` (synchronous appends to regular files, so a SIGKILL loses
 * nothing already written). Runs until killed or all `total` are published.
 *
 *   node publish-until-killed.ts <stream dir> <out dir> <total> [WAL segment bytes]
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDurableStream } from '#adapters/local/durable-stream.ts';
import { silentLog } from '#test/helpers/silent-log.ts';
import { envelope, partitionOf, recorded } from '#test/unit/adapters/local/stream-envelopes.ts';

const [streamDir, outDir, totalArg, segmentArg] = process.argv.slice(2);
if (streamDir === undefined || outDir === undefined)
  throw new Error('usage: <stream dir> <out dir> <total>');
const total = Number(totalArg);

const stream = await openDurableStream(streamDir, {
  consumer: async (batch) => {
    // Slow enough that a backlog builds up before the kill.
    await new Promise((resolve) => setTimeout(resolve, 3));
    appendFileSync(join(outDir, 'done'), batch.map((e) => `${e.request_id}\n`).join(''));
    return batch.map(recorded);
  },
  partitionKeyOf: partitionOf,
  batchSize: 50,
  ...(segmentArg === undefined ? {} : { segmentBytes: Number(segmentArg) }),
  log: silentLog,
});

let next = 0;
const publisher = async (): Promise<void> => {
  while (next < total) {
    const e = envelope(`app-${next % 5}`, next++);
    await stream.publish([e]);
    appendFileSync(join(outDir, 'acked'), `${e.request_id}\n`);
  }
};
await Promise.all(Array.from({ length: 16 }, publisher));
await stream.drain();
await stream.close();
