import { describe, expect, it } from 'vitest';
import { GroupCommit } from '#adapters/local/group-commit.ts';

class WriteFailed extends Error {}

/** A queue whose writes wait for `release()`, recording each group. */
const gatedQueue = (fail?: (group: readonly number[]) => boolean) => {
  const groups: number[][] = [];
  let release: () => void = () => {};
  let idleCalls = 0;
  const failures: Error[] = [];
  const queue = new GroupCommit<number>({
    write: async (group) => {
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      if (fail?.(group)) throw new Error('disk full');
      groups.push([...group]);
    },
    failure: (cause) => new WriteFailed('write failed', { cause }),
    onFailure: (error) => failures.push(error),
    onIdle: () => idleCalls++,
  });
  return { queue, groups, release: () => release(), idleCalls: () => idleCalls, failures };
};

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('GroupCommit', () => {
  it('writes what arrives during a write as one group, in push order', async () => {
    // Prepare
    const { queue, groups, release } = gatedQueue();

    // Act
    const first = queue.push(1);
    await tick();
    const rest = [queue.push(2), queue.push(3), queue.push(4)];
    expect(queue.pending).toEqual([2, 3, 4]);
    release();
    await first;
    await tick();
    release();
    await Promise.all(rest);

    // Assess
    expect(groups).toEqual([[1], [2, 3, 4]]);
    expect(queue.writes).toBe(2);
    expect(queue.idle).toBe(true);
  });

  it('fails stop: a failed write rejects its group, the queue behind it and every later push', async () => {
    // Prepare
    const { queue, groups, release, failures } = gatedQueue((group) => group.includes(2));
    const first = queue.push(1);
    await tick();
    const second = queue.push(2);
    release();
    await first;
    await tick();
    const queuedBehind = queue.push(3);

    // Act
    release();
    const results = await Promise.allSettled([second, queuedBehind, queue.push(4)]);

    // Assess
    expect(groups).toEqual([[1]]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    for (const r of results)
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(WriteFailed);
    expect(queue.failed).toBeInstanceOf(WriteFailed);
    expect(queue.failed?.cause).toEqual(new Error('disk full'));
    expect(failures).toEqual([queue.failed]);
    await expect(queue.push(5)).rejects.toBe(queue.failed);
  });

  it('reports idle once the queue has drained, and settles after the running write', async () => {
    // Prepare
    const { queue, release, idleCalls } = gatedQueue();
    const pushed = queue.push(1);
    await tick();

    // Act
    const settled = queue.settled();
    expect(queue.idle).toBe(false);
    release();
    await Promise.all([pushed, settled]);

    // Assess
    expect(queue.idle).toBe(true);
    expect(idleCalls()).toBe(1);
  });
});
