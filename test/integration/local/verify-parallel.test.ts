import { chmod, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateEd25519Signer } from '#adapters/local/ed25519-signer.ts';
import { openFileArchive } from '#adapters/local/file-archive.ts';
import { segmentKey } from '#core/archive/layout.ts';
import { buildArchive } from '#test/helpers/archive-builder.ts';
import { removeDir, tempDir } from '#test/helpers/temp-dir.ts';
import { verifyLocation } from '../../../bin/commands/verify.ts';
import { handOutOrder, type ThreadCpu } from '../../../bin/commands/verify-parallel.ts';

// Chains verified on worker threads give exactly the report of the one-thread verifier,
// faults included, on an archive of many chains.
let dir: string;
const archive = () => join(dir, 'archive');

beforeAll(async () => {
  dir = await tempDir('verify-parallel-');
  const signer = await loadOrCreateEd25519Signer(join(dir, 'signer'));
  await buildArchive(openFileArchive(archive()), {
    signer,
    index: true,
    chains: Array.from({ length: 9 }, (_, i) => ({
      chain: `app-${i}`,
      records: 40 + i * 7,
      checkpoints: i === 4 ? [20, 40, 69] : [20, 40],
      ...(i === 4 ? { purge: [[3, 5]] as const } : {}),
    })),
  });
  // A changed body in app-2, a whole chain gone (app-6), records 0..49 of app-7 gone.
  const file = join(archive(), segmentKey('app-2', 0));
  await chmod(file, 0o644);
  await writeFile(file, (await readFile(file, 'utf8')).replace('applicant-3', 'applicant-X'));
  await rm(join(archive(), 'chains', 'app-6'), { recursive: true, force: true });
  await rm(join(archive(), segmentKey('app-7', 0)), { force: true });
});
afterAll(async () => {
  await removeDir(dir);
});

describe('verify on worker threads', () => {
  it('reports what one thread reports, every fault named', async () => {
    const one = await verifyLocation(archive(), { workers: 1 });
    const three = await verifyLocation(archive(), { workers: 3 });

    expect(three).toEqual(one);
    expect(one.chains).toBe(8);
    expect(one.indexes).toBe(1);
    expect(new Set(one.faults.map((f) => `${f.kind} ${f.chain}`))).toEqual(
      new Set(['modified app-2', 'deleted_chain app-6', 'deleted app-7']),
    );
    expect(one.purged).toEqual([{ chain: 'app-4', from: 3, to: 5, by: 68 }]);
  });

  it('hands each chain to exactly one worker thread when the main thread only coordinates', async () => {
    const one = await verifyLocation(archive(), { workers: 1 });
    const by = new Map<string, number[]>();
    let threads: readonly ThreadCpu[] = [];
    const report = await verifyLocation(archive(), {
      workers: 2,
      mainThread: false,
      onChain: (dir, thread) => by.set(dir, [...(by.get(dir) ?? []), thread]),
      onThreads: (t) => {
        threads = t;
      },
    });

    expect(report).toEqual(one);
    // Each thread's CPU is accounted: the main thread verified none, the workers all eight.
    expect(threads.map((t) => t.thread)).toEqual([0, 1, 2]);
    expect(threads[0]?.chains).toBe(0);
    expect(threads.reduce((n, t) => n + t.chains, 0)).toBe(8);
    for (const t of threads) {
      expect(t.startupMicros).toBeGreaterThan(0);
      expect(t.totalMicros).toBeGreaterThanOrEqual(t.startupMicros);
      // Each thread's wall time is accounted from its start to its last chain.
      expect(t.times.finishedAt).toBeGreaterThan(t.times.startedAt);
    }
    // The workers' segment reads are timed.
    expect(threads.reduce((n, t) => n + t.times.readWaitMicros, 0)).toBeGreaterThan(0);
    expect([...by.keys()].sort()).toEqual(
      ['app-0', 'app-1', 'app-2', 'app-3', 'app-4', 'app-5', 'app-7', 'app-8'].sort(),
    );
    for (const threads of by.values()) {
      expect(threads).toHaveLength(1);
      expect([1, 2]).toContain(threads[0]);
    }
  });

  it('verifies only the chains asked for, still naming a chain the index lists that is gone', async () => {
    const chains = new Set(['app-2', 'app-6']);
    const one = await verifyLocation(archive(), { workers: 1, chains });
    const two = await verifyLocation(archive(), { workers: 2, mainThread: false, chains });

    expect(two).toEqual(one);
    expect(one.chains).toBe(1);
    expect(one.records).toBe(40 + 2 * 7);
    expect(new Set(one.faults.map((f) => `${f.kind} ${f.chain}`))).toEqual(
      new Set(['modified app-2', 'deleted_chain app-6']),
    );
  });

  it('hands out the chains with most objects first, ties in listing order', () => {
    expect(handOutOrder([1, 3, 2, 3, 1])).toEqual([1, 3, 2, 0, 4]);
    expect(handOutOrder([])).toEqual([]);
  });
});
