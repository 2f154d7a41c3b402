/**
 * The deployment view a route Lambda follows the admin chain with: each call reads only the
 * records appended since the call before (counted), sees another writer's appends, and
 * applying a record twice changes nothing.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openFileArchive } from '#adapters/local/file-archive.ts';
import { type FileLedger, openFileLedger } from '#adapters/local/file-ledger.ts';
import { ADMIN_CHAIN, localActor } from '#core/admin/admin-chain.ts';
import {
  createDeploymentView,
  type DeploymentDeps,
  type DeploymentView,
  decideDeployment,
  followDeploymentView,
  parseDeploymentInput,
  recordDeployment,
} from '#core/admin/deployments.ts';
import type { LedgerRecord } from '#core/chain/record.ts';
import { collect } from '#test/helpers/collect.ts';
import { removeDir, tempDir } from '#test/helpers/temp-dir.ts';

const ops = localActor('ops');
const clock = { now: () => new Date('2026-11-23T12:00:00Z') };
const deployment = parseDeploymentInput({ use_case: 'credit', model: { name: 'gpt-4o' } });

let dir: string;
let ledger: FileLedger;
afterEach(async () => {
  await ledger.close();
  await removeDir(dir);
});

const open = async () => {
  dir = await tempDir('deployment-view-');
  ledger = await openFileLedger(join(dir, 'ledger'));
  const writer = { ledger, archive: openFileArchive(join(dir, 'archive')), clock };
  const depsOf = (deployments: DeploymentView): DeploymentDeps => ({
    ...writer,
    deployments,
    policyVersion: 'none',
  });
  return { writer, depsOf };
};

describe('the followed deployment view', () => {
  it('reads only what was appended since the call before, other writers included', async () => {
    const { depsOf } = await open();
    let read = 0;
    const counted = {
      head: (chain: string) => ledger.head(chain),
      async *range(chain: string, from: number, to: number) {
        for await (const r of ledger.range(chain, from, to)) {
          read += 1;
          yield r;
        }
      },
    } as unknown as FileLedger;
    const follow = followDeploymentView(counted);
    const reads: number[] = [];
    const call = async () => {
      const before = read;
      const view = await follow();
      reads.push(read - before);
      return view;
    };

    const view = await call();
    // Another instance records and approves a deployment (seq 0 and 1).
    const other = depsOf(createDeploymentView());
    const d = await recordDeployment(deployment, ops, other);
    await decideDeployment(d.deployment_id, { decision: 'approve', note: 'ok' }, ops, other);
    expect(await call()).toBe(view);
    expect(view.get(d.deployment_id)?.status).toBe('approved');
    // This instance records one (seq 2), applied at once and read back by the next call.
    const e = await recordDeployment(deployment, ops, depsOf(view));
    await call();
    await call();
    expect(view.list('credit').map((x) => [x.deployment_id, x.status])).toEqual([
      [d.deployment_id, 'approved'],
      [e.deployment_id, 'pending_approval'],
    ]);
    expect(view.activeAt('credit', clock.now().getTime())?.deployment_id).toBe(d.deployment_id);
    expect(reads).toEqual([0, 2, 1, 0]);
  });

  it('leaves a deployment as it is when its record is applied again', async () => {
    const { depsOf } = await open();
    const view = createDeploymentView();
    const d = await recordDeployment(deployment, ops, depsOf(view));
    await decideDeployment(d.deployment_id, { decision: 'reject', note: 'no' }, ops, depsOf(view));
    // The deployment record alone, read back after its decision was applied.
    const [recorded] = await collect(ledger.range(ADMIN_CHAIN, 0, 0));
    view.apply(recorded as LedgerRecord);
    expect(view.get(d.deployment_id)?.status).toBe('rejected');
  });
});
