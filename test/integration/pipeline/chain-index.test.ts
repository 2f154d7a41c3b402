import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadOrCreateEd25519Signer } from '#adapters/local/ed25519-signer.ts';
import {
  checkpointsPrefix,
  encodeChain,
  indexFrontierKey,
  indexHeadsKey,
  indexNoteKey,
  segmentKey,
} from '#core/archive/layout.ts';
import {
  headsRoot,
  headsTree,
  indexCheckpoint,
  indexLeaf,
  indexOrigin,
  noteDigest,
  parseHeads,
} from '#core/chain/chain-index.ts';
import { formatCheckpoint, parseCheckpoint } from '#core/chain/checkpoint.ts';
import { cosignerVerifierKey } from '#core/chain/cosignature.ts';
import { consistencyProof, rootOf, verifyConsistency } from '#core/chain/merkle.ts';
import { signNote, splitNote } from '#core/chain/note.ts';
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

  it('is completed by the next run after a crash between its heads and its note', async () => {
    // Found by kill-restart.test.ts under load: a SIGKILL after index 1's heads were
    // written (write-once) but before its note left every later index failing.
    harness = await openHarness();
    const deps = await checkpointDeps(harness);
    await record('loans', ['a', 'b']);
    const crashing = {
      ...deps.archive,
      put: async (
        key: string,
        bytes: Uint8Array,
        options?: Parameters<typeof deps.archive.put>[2],
      ) => {
        if (key === indexNoteKey(1)) throw new Error('killed');
        return deps.archive.put(key, bytes, options);
      },
    };
    await expect(checkpointChains({ ...deps, archive: crashing })).rejects.toThrow('killed');
    expect(await harness.deps.archive.get(indexHeadsKey(1))).toBeDefined();

    await record('loans', ['c']);
    await checkpointChains(deps);

    expect(await latestIndexNumber(harness.deps.archive)).toBe(2);
    const heads = parseHeads(text(await harness.deps.archive.get(indexHeadsKey(2))));
    expect(heads.map((h) => [h.chain, h.size])).toEqual([['loans', 3]]);
    const report = await verifyArchive(harness.deps.archive);
    expect(report.faults).toEqual([]);
    expect(report.indexes).toBe(2);
  });

  it('refuses to sign unsigned heads it cannot prove, and says why', async () => {
    // Prepare: index 1 signed, then heads for index 2 put there by someone else: a chain
    // whose root no checkpoint of this signer states, and `loans` left out
    harness = await openHarness();
    const deps = await checkpointDeps(harness);
    await record('loans', ['a']);
    await checkpointChains(deps);
    const forged = `${encodeChain('loans')} 1 ${'ab'.repeat(32)}\n`;
    const shorter = `${encodeChain('claims')} 1 ${'ab'.repeat(32)}\n`;

    // Act + Assess: each is refused with its reason; nothing is signed over it
    for (const [heads, reason] of [
      [forged, /loans at 1 does not sign its head/],
      [shorter, /chain loans dropped or shorter/],
    ] as const) {
      await rm(join(archiveDir(), indexHeadsKey(2)), { force: true });
      await harness.deps.archive.put(indexHeadsKey(2), new TextEncoder().encode(heads));
      await record('loans', [`b-${heads.length}-${String(reason).length}`]);
      await expect(checkpointChains(deps)).rejects.toThrow(reason);
      expect(await harness.deps.archive.get(indexNoteKey(2))).toBeUndefined();
    }
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
    await removeKeys(indexHeadsKey(1), indexNoteKey(1), indexFrontierKey(1));
    const forged = await checkpointDeps(harness);
    const loansOnly = parseHeads(first).filter((h) => h.chain === 'loans');
    // With index 1 gone, the probe finds no index and writes a fresh index 1.
    await signIndex(loansOnly, forged);

    const report = await verifyArchive(harness.deps.archive);

    expect(kinds(report)).toContainEqual(['index_inconsistent', '']);
    expect(report.ok).toBe(false);
  });

  it('forms an append-only log: index n signs the root over indexes 1..n', async () => {
    await twoRuns();
    const notes = [1, 2].map(async (n) =>
      parseCheckpoint(splitNote(text(await harness.deps.archive.get(indexNoteKey(n)))).text),
    );
    const [one, two] = await Promise.all(notes);
    const leaves = await Promise.all(
      [1, 2].map(async (n) =>
        indexLeaf(n, headsTree(text(await harness.deps.archive.get(indexHeadsKey(n))))),
      ),
    );

    expect(one?.size).toBe(1);
    expect(two?.size).toBe(2);
    expect(two?.extensions?.[0]).toMatch(/^heads 2 [0-9a-f]{64}$/);
    expect(Buffer.from(two?.root ?? []).toString('hex')).toBe(
      Buffer.from(rootOf(leaves)).toString('hex'),
    );
    expect(
      verifyConsistency(
        1,
        2,
        consistencyProof(leaves, 1, 2),
        one?.root ?? new Uint8Array(),
        two?.root ?? new Uint8Array(),
      ),
    ).toBe(true);
  });

  it('names an index re-signed over a log that lacks the indexes before it', async () => {
    const deps = await twoRuns();
    const heads = text(await harness.deps.archive.get(indexHeadsKey(2)));
    const prev = noteDigest((await harness.deps.archive.get(indexNoteKey(1))) ?? new Uint8Array());
    await removeKeys(indexNoteKey(2));
    // Same heads and link, but the log root of a log holding index 2 alone.
    const tree = headsTree(heads);
    const forged = formatCheckpoint(
      indexCheckpoint('audit-trail.test', tree, { n: 2, prev }, rootOf([indexLeaf(2, tree)])),
    );
    await harness.deps.archive.put(
      indexNoteKey(2),
      Buffer.from(await signNote(forged, deps.signer)),
    );

    const report = await verifyArchive(harness.deps.archive);

    expect(report.faults.map((f) => [f.kind, f.detail])).toEqual([
      ['index_inconsistent', 'index 2 does not sign the log of indexes 1..2'],
    ]);
  });
});

describe('archives signed before the index log', () => {
  /** Index 1 in the older form (it signs the heads tree itself), as old archives hold it. */
  const olderIndex = async (deps: CheckpointDeps, heads: string) => {
    const body = formatCheckpoint({
      origin: indexOrigin(deps.logName),
      size: parseHeads(heads).length,
      root: headsRoot(heads),
      extensions: ['index 1', 'prev none'],
    });
    await harness.deps.archive.put(indexHeadsKey(1), Buffer.from(heads));
    await harness.deps.archive.put(indexNoteKey(1), Buffer.from(await signNote(body, deps.signer)));
  };

  it('still verify, and the next index continues the log from them', async () => {
    harness = await openHarness();
    const deps = await checkpointDeps(harness);
    await record('loans', ['a', 'b', 'c']);
    await checkpointChains(deps);
    const heads = text(await harness.deps.archive.get(indexHeadsKey(1)));
    await removeKeys('index');
    await olderIndex(deps, heads);

    const old = await verifyArchive(harness.deps.archive);
    expect(old.faults).toEqual([]);
    expect(old.indexes).toBe(1);

    await record('loans', ['d']);
    await checkpointChains(deps); // index 2, first of the log form
    const two = parseCheckpoint(
      splitNote(text(await harness.deps.archive.get(indexNoteKey(2)))).text,
    );
    const leaves = [
      indexLeaf(1, headsTree(heads)),
      indexLeaf(2, headsTree(text(await harness.deps.archive.get(indexHeadsKey(2))))),
    ];
    expect(Buffer.from(two.root).equals(Buffer.from(rootOf(leaves)))).toBe(true);
    const report = await verifyArchive(harness.deps.archive);
    expect(report.faults).toEqual([]);
    expect(report.indexes).toBe(2);
  });

  it('cannot meet a witness requirement: nothing cosigned the older form', async () => {
    harness = await openHarness();
    const deps = await checkpointDeps(harness);
    await record('loans', ['a']);
    await checkpointChains(deps);
    const heads = text(await harness.deps.archive.get(indexHeadsKey(1)));
    await removeKeys('index');
    await olderIndex(deps, heads);
    const witness = cosignerVerifierKey({ name: 'w.test', publicKey: new Uint8Array(32).fill(7) });

    const report = await verifyArchive(harness.deps.archive, {
      witnessKeys: [witness],
      minWitnesses: 1,
    });

    expect(report.faults.filter((f) => f.chain === '').map((f) => f.kind)).toEqual(['unwitnessed']);
  });
});
