/**
 * The governance reads of a long-lived process follow the admin chain (followGovernance,
 * the same followChain as the deployment view): each request reads only the records
 * appended since the request before (counted), another writer's appends included; the
 * purge shares the follower; each call answers a copy that later appends leave as it was.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openFileArchive } from '#adapters/local/file-archive.ts';
import { openFileBodyKeys } from '#adapters/local/file-body-keys.ts';
import { type FileLedger, openFileLedger } from '#adapters/local/file-ledger.ts';
import {
  followGovernance,
  type GovernanceState,
  type Hold,
  readGovernance,
} from '#core/retention/governance.ts';
import {
  deleteLegalHold,
  type GovernanceApiDeps,
  getErasureRequest,
  listLegalHolds,
  postErasureRequest,
  postLegalHold,
} from '#core/retention/governance-api.ts';
import { runPurge } from '#core/retention/purge.ts';
import { subjectIds } from '#core/retention/subjects.ts';
import { countingLedger } from '#test/helpers/counting-ledger.ts';
import { silentLog } from '#test/helpers/silent-log.ts';
import { removeDir, tempDir } from '#test/helpers/temp-dir.ts';

const clock = { now: () => new Date('2026-12-01T12:00:00Z') };

let dir: string;
let ledger: FileLedger;
afterEach(async () => {
  await ledger.close();
  await removeDir(dir);
});

const holdInput = (chain: string) => ({ scope: { chain }, case_id: 'C-1', reason: 'inquiry' });

describe('the followed governance state', () => {
  it('reads only what was appended since the request before, other writers included', async () => {
    // Prepare: this instance follows through a counting ledger; another writes directly.
    dir = await tempDir('governance-follow-');
    ledger = await openFileLedger(join(dir, 'ledger'));
    const writer = {
      ledger,
      archive: openFileArchive(join(dir, 'archive')),
      clock,
      subjects: subjectIds(new Uint8Array(32).fill(7)),
    };
    const counted = countingLedger(ledger);
    const self: GovernanceApiDeps = {
      ...writer,
      governanceState: followGovernance(counted.ledger),
      // With object holds, placing a hold reads the state again to sync them.
      objectHolds: { setLegalHold: async () => undefined },
    };
    const other: GovernanceApiDeps = writer;
    const reads: number[] = [];
    const counting = async <T>(request: () => Promise<T>): Promise<T> => {
      const before = counted.seen.records;
      const answer = await request();
      reads.push(counted.seen.records - before);
      return answer;
    };
    const holdsOf = (answer: { body: unknown }) => (answer.body as { holds: Hold[] }).holds;

    // Act
    expect(holdsOf(await counting(() => listLegalHolds(self)))).toEqual([]);
    // Another instance places a hold and records an erasure request (seq 0 and 1).
    const first = (await postLegalHold(holdInput('loans'), other)).body as Hold;
    const erasure = (await postErasureRequest({ user_id: 'ann', reason: 'gdpr' }, other)).body as {
      request_id: string;
    };
    expect(holdsOf(await counting(() => listLegalHolds(self)))).toHaveLength(1);
    // This instance places one (seq 2): its object holds are synced from the follower.
    await counting(() => postLegalHold(holdInput('cards'), self));
    const status = await counting(() => getErasureRequest(erasure.request_id, self));
    // The other instance releases the first hold (seq 3).
    await deleteLegalHold(first.hold_id, other);
    const after = holdsOf(await counting(() => listLegalHolds(self)));
    // The purge of this process shares the follower: nothing new to read.
    const keys = await openFileBodyKeys(join(dir, 'keys'));
    await counting(() =>
      runPurge({ now: clock.now(), dryRun: true }, { ...self, keys, log: silentLog }),
    );

    // Assess
    expect(reads).toEqual([0, 2, 1, 0, 1, 0]);
    expect(status).toMatchObject({ status: 200, body: { status: 'pending' } });
    expect(after.map((h) => [h.scope.chain, h.released_at !== undefined])).toEqual([
      ['loans', true],
      ['cards', false],
    ]);
    // The followed state is the state read whole.
    const whole = await readGovernance(ledger);
    const followed = await followGovernance(ledger)();
    expect([...followed.holds.values()]).toEqual([...whole.holds.values()]);
    expect([...followed.erasures.values()]).toEqual([...whole.erasures.values()]);
  });

  it('answers a copy that later appends leave as it was', async () => {
    dir = await tempDir('governance-copy-');
    ledger = await openFileLedger(join(dir, 'ledger'));
    const deps: GovernanceApiDeps = {
      ledger,
      archive: openFileArchive(join(dir, 'archive')),
      clock,
      subjects: subjectIds(new Uint8Array(32).fill(7)),
    };
    const follow = followGovernance(ledger);
    const hold = (await postLegalHold(holdInput('loans'), deps)).body as Hold;
    const before: GovernanceState = await follow();
    await deleteLegalHold(hold.hold_id, deps);
    await postErasureRequest({ event_ids: ['e1'], reason: 'gdpr' }, deps);
    const now = await follow();
    expect(before.holds.get(hold.hold_id)?.released_at).toBeUndefined();
    expect(before.erasures.size).toBe(0);
    expect(now.holds.get(hold.hold_id)?.released_at).toBeDefined();
    expect(now.erasures.size).toBe(1);
  });
});
