import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadOrCreateEd25519Signer } from '#adapters/local/ed25519-signer.ts';
import { openFileBodyKeys } from '#adapters/local/file-body-keys.ts';
import { checkpointKey, keyFile, segmentKey } from '#core/archive/layout.ts';
import { parseCheckpoint } from '#core/chain/checkpoint.ts';
import { leafData } from '#core/chain/hash.ts';
import { bytesEqual, leafHash, rootOf } from '#core/chain/merkle.ts';
import { openNote } from '#core/chain/note.ts';
import { checkpointChains } from '#core/pipeline/checkpoint.ts';
import { processBatch } from '#core/pipeline/process-batch.ts';
import { createBodySealer } from '#core/retention/body-sealer.ts';
import { DEFAULT_RETENTION_RULES } from '#core/retention/rules.ts';
import { verifyArchive } from '#core/verify/verify-archive.ts';
import type { CheckpointDeps } from '#ports/pipeline-deps.ts';
import { collect } from '#test/helpers/collect.ts';
import { decision, envelope, type Harness, openHarness } from './harness.ts';

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

/** The root over every record of the chain, computed from scratch. */
const fullRoot = async (chain: string, size: number) => {
  const records = await collect(harness.deps.ledger.range(chain, 0, size - 1));
  return rootOf(records.map((r) => leafHash(leafData(r))));
};

describe('checkpointChains', () => {
  it('signs a tree head over every archived record and publishes the key', async () => {
    // Prepare
    harness = await openHarness();
    const deps = await checkpointDeps(harness);
    await record('loans', ['a', 'b', 'c']);
    // Act
    const written = await checkpointChains(deps);
    // Assess
    expect(written).toEqual([{ chain: 'loans', size: 3, key: checkpointKey('loans', 3) }]);
    const vkey = text(await harness.deps.archive.get(keyFile(deps.signer.keyName))).trim();
    expect(vkey).toBe(await deps.signer.verifierKey());
    const note = openNote(text(await harness.deps.archive.get(checkpointKey('loans', 3))), vkey);
    expect(note.verified).toBe(true);
    const checkpoint = parseCheckpoint(note.text);
    expect(checkpoint.origin).toBe('audit-trail.test/loans');
    expect(bytesEqual(checkpoint.root, await fullRoot('loans', 3))).toBe(true);
  });

  it('signs nothing for a chain that did not grow, and extends the tree when it did', async () => {
    harness = await openHarness();
    const deps = await checkpointDeps(harness);
    await record('loans', ['a', 'b', 'c']);
    await checkpointChains(deps);

    const idle = await checkpointChains(deps);
    await record('loans', ['d', 'e', 'f', 'g', 'h']);
    const grown = await checkpointChains(deps);

    expect(idle).toEqual([]);
    expect(grown.map((w) => w.size)).toEqual([8]);
    const vkey = await deps.signer.verifierKey();
    const note = openNote(text(await harness.deps.archive.get(checkpointKey('loans', 8))), vkey);
    expect(bytesEqual(parseCheckpoint(note.text).root, await fullRoot('loans', 8))).toBe(true);
  });

  it('covers only what the archive holds', async () => {
    harness = await openHarness();
    const deps = await checkpointDeps(harness);
    await record('loans', ['a', 'b']);
    const failing = { ...harness.deps.archive, put: () => Promise.reject(new Error('down')) };
    await processBatch([envelope(decision('loans', 'c'))], { ...harness.deps, archive: failing });

    const written = await checkpointChains(deps);

    expect((await harness.deps.ledger.head('loans')).seq).toBe(2);
    expect(written.map((w) => w.size)).toEqual([2]);
  });
});

describe('a payload with a "__proto__" member', () => {
  it('is recorded whole, and the archive verifies clean', async () => {
    harness = await openHarness();
    const deps = await checkpointDeps(harness);
    const payload = JSON.parse(
      '{"application_id":"loans","decision_id":"p1","output":{"decision":"deny"},' +
        '"metadata":{"__proto__":{"admin":true}},"policy_checks":{"__proto__":[1]}}',
    ) as unknown;

    await processBatch([envelope(payload)], harness.deps);
    await checkpointChains(deps);
    const report = await verifyArchive(harness.deps.archive);

    const [stored] = await collect(harness.deps.ledger.range('loans', 0, 0));
    expect(JSON.stringify(stored?.body)).toContain('"__proto__":{"admin":true}');
    expect(JSON.stringify(stored?.policy.client_reported)).toContain('"__proto__":[1]');
    expect(report.faults).toEqual([]);
    expect(report.ok).toBe(true);
  });
});

describe('checkpoint leaves come from the archived bytes', () => {
  /** The archive, with one segment's bytes passed through `edit` when read. */
  const editedArchive = (edit: (text: string) => string) => ({
    ...harness.deps.archive,
    stream: async function* (key: string) {
      const bytes = await harness.deps.archive.get(key);
      yield new TextEncoder().encode(edit(text(bytes)));
    },
  });

  it('signs what the archive holds even when the ledger answers rewritten records', async () => {
    harness = await openHarness();
    const deps = await checkpointDeps(harness);
    await record('loans', ['a', 'b', 'c']);
    const archivedRoot = await fullRoot('loans', 3);
    const rewritten = {
      ...harness.deps.ledger,
      range: async function* (chain: string, from: number, to: number) {
        for await (const r of harness.deps.ledger.range(chain, from, to)) {
          yield { ...r, hash: 'f'.repeat(64) };
        }
      },
    };

    await checkpointChains({ ...deps, ledger: rewritten });

    const note = openNote(
      text(await harness.deps.archive.get(checkpointKey('loans', 3))),
      await deps.signer.verifierKey(),
    );
    expect(bytesEqual(parseCheckpoint(note.text).root, archivedRoot)).toBe(true);
  });

  it('signs nothing when an archived envelope no longer hashes to its hash', async () => {
    harness = await openHarness();
    const deps = await checkpointDeps(harness);
    await record('loans', ['a', 'b', 'c']);
    const archive = editedArchive((t) => t.replace('"event_id":"b"', '"event_id":"x"'));

    await expect(checkpointChains({ ...deps, archive })).rejects.toThrow(
      /loans seq 1: archived envelope does not hash to its hash/,
    );
    expect(await harness.deps.archive.get(checkpointKey('loans', 3))).toBeUndefined();
  });

  it('signs nothing when the archived records do not link (a line dropped)', async () => {
    harness = await openHarness();
    const deps = await checkpointDeps(harness);
    await record('loans', ['a', 'b', 'c']);
    const archive = editedArchive((t) =>
      t
        .split('\n')
        .filter((line) => !line.includes('"event_id":"b"'))
        .join('\n'),
    );

    await expect(checkpointChains({ ...deps, archive })).rejects.toThrow(
      /loans seq 1: archived line says loans seq 2/,
    );
  });

  it('still signs the other chains, then fails the run', async () => {
    harness = await openHarness();
    const deps = await checkpointDeps(harness);
    await record('loans', ['a', 'b']);
    await record('cards', ['c', 'd']);
    const archive = editedArchive((t) => t.replace('"event_id":"a"', '"event_id":"z"'));

    await expect(checkpointChains({ ...deps, archive })).rejects.toThrow(/loans seq 0/);

    expect(await harness.deps.archive.get(checkpointKey('cards', 2))).toBeDefined();
    expect(await harness.deps.archive.get(checkpointKey('loans', 2))).toBeUndefined();
  });

  it('links a new run to the record the last checkpoint covered, reading from its segment', async () => {
    harness = await openHarness();
    const deps = await checkpointDeps(harness);
    await record('loans', ['a', 'b']);
    await checkpointChains(deps);
    await record('loans', ['c', 'd']);
    const streamed: string[] = [];
    const archive = {
      ...harness.deps.archive,
      stream: (key: string) => {
        streamed.push(key);
        return harness.deps.archive.stream(key);
      },
    };

    const written = await checkpointChains({ ...deps, archive });

    expect(written.map((w) => w.size)).toEqual([4]);
    // Two segments exist (0 and 2); seq 1 (the link) is in the first, so both are read.
    expect(streamed.filter((k) => k.includes('/segments/'))).toHaveLength(2);
  });
});

describe('checkpoint leaves of sealed (layout v2) lines', () => {
  /** A harness whose processor seals bodies, as the product's does. */
  const sealedHarness = async (): Promise<Harness> => {
    const h = await openHarness();
    const keys = await openFileBodyKeys(join(h.dir, 'body-keys'));
    (h.deps as { sealer?: unknown }).sealer = await createBodySealer(DEFAULT_RETENTION_RULES, keys);
    return h;
  };
  const signedRoot = async (deps: CheckpointDeps, size: number) =>
    parseCheckpoint(
      openNote(
        text(await harness.deps.archive.get(checkpointKey('loans', size))),
        await deps.signer.verifierKey(),
      ).text,
    ).root;
  const withArchive = (edit: (text: string) => string) => ({
    ...harness.deps.archive,
    stream: async function* (key: string) {
      yield new TextEncoder().encode(edit(text(await harness.deps.archive.get(key))));
    },
  });

  it('signs the root over every sealed record, and the archive verifies clean', async () => {
    harness = await sealedHarness();
    const deps = await checkpointDeps(harness);
    await record('loans', ['a', 'b', 'c']);
    await checkpointChains(deps);
    await record('loans', ['d', 'e']);

    const written = await checkpointChains(deps);

    const segment = text(await harness.deps.archive.get(segmentKey('loans', 0)));
    expect(segment.split('\n')[0]).toMatch(
      /"body_enc":\{"ct":"[^"]+","iv":"[^"]+","p":"[^"]+","s":"[^"]+","v":2\}\}$/,
    );
    expect(written.map((w) => w.size)).toEqual([5]);
    expect(bytesEqual(await signedRoot(deps, 5), await fullRoot('loans', 5))).toBe(true);
    expect((await verifyArchive(harness.deps.archive)).faults).toEqual([]);
  });

  it('signs nothing when a sealed line’s envelope no longer hashes to its hash', async () => {
    harness = await sealedHarness();
    const deps = await checkpointDeps(harness);
    await record('loans', ['a', 'b', 'c']);
    const archive = withArchive((t) => t.replace('"event_id":"b"', '"event_id":"x"'));

    await expect(checkpointChains({ ...deps, archive })).rejects.toThrow(
      /loans seq 1: archived envelope does not hash to its hash/,
    );
  });

  it('reads a line whose body tail is not the sealer’s whole, as before', async () => {
    harness = await sealedHarness();
    const deps = await checkpointDeps(harness);
    await record('loans', ['a', 'b', 'c']);
    // Still valid JSON, with a body_enc member no hash covers: the same leaves.
    const extra = withArchive((t) => t.replaceAll('"v":2}}', '"v":2,"note":"x"}}'));
    await checkpointChains({ ...deps, archive: extra });
    expect(bytesEqual(await signedRoot(deps, 3), await fullRoot('loans', 3))).toBe(true);
  });

  it('signs nothing when a sealed line’s tail is not JSON', async () => {
    harness = await sealedHarness();
    const deps = await checkpointDeps(harness);
    await record('loans', ['a', 'b', 'c']);
    const archive = withArchive((t) => t.replace('"v":2}}', '"v":2}'));

    await expect(checkpointChains({ ...deps, archive })).rejects.toThrow(
      /loans seq 0: malformed archived line \(not valid JSON\)/,
    );
  });
});
