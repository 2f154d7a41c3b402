import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDurableStream } from '#adapters/local/durable-stream.ts';
import { silentLog } from '#test/helpers/silent-log.ts';
import { removeDir, tempDir } from '#test/helpers/temp-dir.ts';
import { until } from '#test/helpers/until.ts';
import { partitionOf, recorded } from '#test/unit/adapters/local/stream-envelopes.ts';

const HELPER = join(import.meta.dirname, 'helpers', 'publish-until-killed.ts');

const linesOf = async (path: string): Promise<string[]> => {
  try {
    return (await readFile(path, 'utf8')).split('\n').filter((line) => line !== '');
  } catch {
    return [];
  }
};

describe('durable stream under kill -9', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await tempDir('stream-kill-');
  });

  afterEach(async () => {
    await removeDir(dir);
  });

  it.each([
    ['', undefined],
    [', rotating and deleting small WAL segments all the while', 2048],
  ])(
    'delivers every acknowledged envelope after the publisher is killed mid-way%s',
    async (_, segmentBytes) => {
      // Prepare
      const streamDir = join(dir, 'stream');
      const total = 20_000;
      const extra = segmentBytes === undefined ? [] : [String(segmentBytes)];
      const child = spawn(process.execPath, [HELPER, streamDir, dir, String(total), ...extra], {
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      const exited = new Promise((resolve) => child.once('exit', resolve));
      let acked: string[] = [];
      const poll = setInterval(async () => {
        acked = await linesOf(join(dir, 'acked'));
      }, 10);
      await until(() => acked.length >= 1_500, 120_000);
      clearInterval(poll);

      // Act
      child.kill('SIGKILL');
      await exited;
      const ackedIds = await linesOf(join(dir, 'acked'));
      const doneInChild = new Set(await linesOf(join(dir, 'done')));
      const delivered = new Set<string>();
      const stream = await openDurableStream(streamDir, {
        consumer: async (batch) => {
          for (const e of batch) delivered.add(e.request_id);
          return batch.map(recorded);
        },
        partitionKeyOf: partitionOf,
        log: silentLog,
        ...(segmentBytes === undefined ? {} : { segmentBytes }),
      });
      await stream.drain();
      await stream.close();

      // Assess
      expect(ackedIds.length).toBeLessThan(total);
      const lost = ackedIds.filter((id) => !doneInChild.has(id) && !delivered.has(id));
      expect(lost).toEqual([]);
      expect(delivered.size).toBeGreaterThan(0);
    },
  );
});
