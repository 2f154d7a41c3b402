import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadOrCreateEd25519Signer } from '#adapters/local/ed25519-signer.ts';
import {
  checkpointsPrefix,
  indexHeadsKey,
  indexNoteKey,
  segmentKey,
} from '#core/archive/layout.ts';
import { parseHeads } from '#core/chain/chain-index.ts';
import { checkpointChains } from '#core/pipeline/checkpoint.ts';
import { processBatch } from '#core/pipeline/process-batch.ts';
import { latestIndexNumber, signIndex } from '#core/pipeline/sign-index.ts';
import { verifyArchive } from '#core/verify/verify-archive.ts';
import type { CheckpointDeps } from '#ports/pipeline-deps.ts';
import { collect } from '#test/helpers/collect.ts';
import { decision, envelope, type Harness, openHarness } from './harness.ts';

// The signed index of chains, end to end: the checkpointer signs it, and the verifier
// names a chain deleted, a chain cut below its signed size, and an index dropped.
let harness: Harness;
afterEach(async () => harness.close());

const text = (bytes: Uint8Array | undefined) => new TextDecoder().decode(bytes);

const checkpointDeps = async (h: Harness): Promise<CheckpointDeps> => ({
  ledger: h.deps.ledger,
  archive: h.deps.archive,
  signer: await loadOrCreateEd25519Signer(`${h.dir}/keys`),
  clock: h.deps.clock,
  log: h.deps.log,
  logName: 'audit-trail.test',
});

const record = (chain: string, ids: string[]) =>
  processBatch(
    ids.map((id) => envelope(decision(chain, id))),
    harness.deps,
  );

const archiveDir = () => join(harness.dir, 'archive');

/** Removes files behind the write-once archive's back, as an attacker with disk access would. */
const removeKeys = async (...keys: string[]) => {
  for (const key of keys) await rm(join(archiveDir(), key), { recursive: true, force: true });
};

/** Two chains and two checkpoint runs: indexes 1 and 2. */
const twoRuns = async (): Promise<CheckpointDeps> => {
  harness = await openHarness();
  const deps = await checkpointDeps(harness);
  await record('loans', ['a', 'b', 'c']);
  await record('claims', ['x']);
  await checkpointChains(deps);
  await record('loans', ['d', 'e']);
  await checkpointChains(deps);
  return deps;
};

const kinds = (report: Awaited<ReturnType<typeof verifyArchive>>) =>
  report.faults.map((f) => [f.kind, f.chain]);

describe('the signed index of chains', () => {
  it('is signed once per change, lists every chain head and verifies clean', async () => {
    const deps = await twoRuns();
    await checkpointChains(deps); // nothing changed: no third index

    expect(await latestIndexNumber(harness.deps.archive)).toBe(2);
    const heads = parseHeads(text(await harness.deps.archive.get(indexHeadsKey(2))));
    expect(heads.map((h) => [h.chain, h.size])).toEqual([
      ['claims', 1],
      ['loans', 5],
    ]);
    const report = await verifyArchive(harness.deps.archive);
    expect(report.faults).toEqual([]);
    expect(report.indexes).toBe(2);
  });

  it('names a whole chain deleted from the archive', async () => {
    await twoRuns();
    await removeKeys('chains/claims');

    const report = await verifyArchive(harness.deps.archive);

    expect(report.ok).toBe(false);
    expect(kinds(report)).toEqual([['deleted_chain', 'claims']]);
  });

  it('names a chain cut below its signed size after its checkpoints were deleted', async () => {
    await twoRuns();
    const checkpoints = await collect(harness.deps.archive.list(checkpointsPrefix('loans')));
    await removeKeys(...checkpoints);
    await removeKeys(segmentKey('loans', 3)); // the tail d, e

    const report = await verifyArchive(harness.deps.archive);

    expect(kinds(report)).toEqual([['truncated', 'loans']]);
    expect(report.faults[0]?.seq).toBe(3);
  });

  it('names an index dropped from the middle', async () => {
    const deps = await twoRuns();
    await record('claims', ['y']);
    await checkpointChains(deps); // index 3
    await removeKeys(indexNoteKey(2), indexHeadsKey(2));

    const dropped = await verifyArchive(harness.deps.archive);

    expect(kinds(dropped)).toEqual([['index_missing', '']]);
    expect(dropped.faults[0]?.detail).toContain('index 2 is missing');
  });

  it('names an index whose predecessor was replaced', async () => {
    await twoRuns();
    // A re-signed index 1 (the signer's key is at hand) that lists no `claims` chain.
    const first = text(await harness.deps.archive.get(indexHeadsKey(1)));
    await removeKeys(indexHeadsKey(1), indexNoteKey(1));
    const forged = await checkpointDeps(harness);
    const loansOnly = parseHeads(first).filter((h) => h.chain === 'loans');
    // With index 1 gone, the probe finds no index and writes a fresh index 1.
    await signIndex(loansOnly, forged);

    const report = await verifyArchive(harness.deps.archive);

    expect(kinds(report)).toContainEqual(['index_inconsistent', '']);
    expect(report.ok).toBe(false);
  });
});
