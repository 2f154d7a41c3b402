import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadOrCreateEd25519Signer } from '#adapters/local/ed25519-signer.ts';
import { laneOf, lanePlan } from '#core/events/lanes.ts';
import { chainOf, withLane } from '#core/pipeline/chain-of.ts';
import { checkpointChains } from '#core/pipeline/checkpoint.ts';
import { processBatch } from '#core/pipeline/process-batch.ts';
import { verifyArchive } from '#core/verify/verify-archive.ts';
import { collect } from '#test/helpers/collect.ts';
import { decision, envelope, type Harness, openHarness } from './harness.ts';

// A hot application over 4 lanes, end to end on the local adapters: each lane is its own
// chain, an event is recorded once whatever lane a redelivery names, and the verifier
// reads the lanes as one application, a lane deleted whole caught by the signed index.
let harness: Harness;
afterEach(async () => harness.close());

const plan = lanePlan({ hot: 4 });
const ids = Array.from({ length: 24 }, (_, i) => `h-${i}`);
const laned = (id: string) => withLane(envelope(decision('hot', id)), id, plan);

const ingestAndCheckpoint = async () => {
  harness = await openHarness();
  await processBatch([...ids.map(laned), envelope(decision('cold', 'c-1'))], harness.deps);
  await checkpointChains({
    ledger: harness.deps.ledger,
    archive: harness.deps.archive,
    signer: await loadOrCreateEd25519Signer(`${harness.dir}/keys`),
    clock: harness.deps.clock,
    log: harness.deps.log,
    logName: 'audit-trail.test',
  });
};

const hotLanes = ['hot~0', 'hot~1', 'hot~2', 'hot~3'];

describe('lanes of a hot application', () => {
  it('chain each event on the lane of its id, and verify as one application', async () => {
    await ingestAndCheckpoint();
    const chains = (await collect(harness.deps.ledger.chains())).sort();
    expect(chains).toEqual(['cold', ...hotLanes]);
    for (const id of ids) {
      const where = (await harness.deps.ledger.locate([id])).get(id);
      expect(where?.chain).toBe(`hot~${laneOf(id, 4)}`);
    }

    const report = await verifyArchive(harness.deps.archive);

    expect(report.faults).toEqual([]);
    expect(report.chains).toBe(5);
    expect(report.applications).toEqual([{ application: 'hot', lanes: hotLanes, faults: 0 }]);
  });

  it('record a redelivered event once, even when it names another lane', async () => {
    await ingestAndCheckpoint();
    const id = ids[0] as string;
    const elsewhere = { ...laned(id), lane: String((laneOf(id, 4) + 1) % 4) };
    expect(chainOf(elsewhere)).not.toBe(chainOf(laned(id)));

    await processBatch([laned(id), elsewhere], harness.deps);

    let records = 0;
    for (const chain of hotLanes) {
      const head = await harness.deps.ledger.head(chain);
      records += head.seq + 1;
    }
    expect(records).toBe(ids.length);
  });

  it('name a lane deleted whole, under its application', async () => {
    await ingestAndCheckpoint();
    await rm(join(harness.dir, 'archive', 'chains', 'hot~2'), { recursive: true, force: true });

    const report = await verifyArchive(harness.deps.archive);

    expect(report.faults.map((f) => [f.kind, f.chain])).toEqual([['deleted_chain', 'hot~2']]);
    expect(report.applications).toEqual([{ application: 'hot', lanes: hotLanes, faults: 1 }]);
  });

  it('verify an application by name: all its lanes, no other chain', async () => {
    await ingestAndCheckpoint();
    const report = await verifyArchive(harness.deps.archive, { chains: new Set(['hot']) });
    expect(report.faults).toEqual([]);
    expect(report.chains).toBe(4);
  });
});
