import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateEd25519Signer } from '#adapters/local/ed25519-signer.ts';
import { segmentKey } from '#core/archive/layout.ts';
import { leafData } from '#core/chain/hash.ts';
import {
  auditPathRanges,
  createTreeBuilder,
  inclusionProof,
  leafHash,
} from '#core/chain/merkle.ts';
import { checkProof, type ProofFile, proveEvent } from '#core/verify/proof.ts';
import type { SignerPort } from '#ports/signer.ts';
import {
  buildArchive,
  MemoryArchive,
  sealChain,
  segmentText,
} from '#test/helpers/archive-builder.ts';
import { removeDir, tempDir } from '#test/helpers/temp-dir.ts';

let dir: string;
let signer: SignerPort;
let stranger: SignerPort;

beforeAll(async () => {
  dir = await tempDir('verify-proof-');
  signer = await loadOrCreateEd25519Signer(join(dir, 'signer'));
  stranger = await loadOrCreateEd25519Signer(join(dir, 'stranger'));
});
afterAll(async () => {
  await removeDir(dir);
});

describe('auditPathRanges', () => {
  it('gives the subtree ranges of the RFC 9162 audit path for every leaf of trees up to 33', () => {
    // Prepare
    const leaves = sealChain('c', 33).map((r) => leafHash(leafData(r)));

    for (let size = 1; size <= leaves.length; size++) {
      for (let index = 0; index < size; index++) {
        // Act
        const path = auditPathRanges(index, size).map(([from, to]) => {
          const tree = createTreeBuilder();
          for (const leaf of leaves.slice(from, to)) tree.push(leaf);
          return Buffer.from(tree.root()).toString('hex');
        });

        // Assess
        const expected = inclusionProof(leaves, index, size).map((h) =>
          Buffer.from(h).toString('hex'),
        );
        expect(path, `index ${index} of ${size}`).toEqual(expected);
      }
    }
  });
});

describe('proveEvent and checkProof', () => {
  const build = async (): Promise<{ archive: MemoryArchive; vkey: string }> => {
    const archive = new MemoryArchive();
    const { vkey } = await buildArchive(archive, {
      signer,
      chains: [{ chain: 'app-1', records: 45, checkpoints: [17, 40], segmentSize: 10 }],
    });
    return { archive, vkey };
  };

  it.each([0, 16, 17, 39])('proves record %i against the latest checkpoint', async (seq) => {
    // Prepare
    const { archive, vkey } = await build();

    // Act
    const proof = await proveEvent(archive, `app-1-evt-${seq}`);
    const pinned = checkProof(JSON.parse(JSON.stringify(proof)), vkey);
    const unpinned = checkProof(proof);

    // Assess
    expect(proof).toMatchObject({ seq, leaf_index: seq, tree_size: 40, vkey });
    expect(pinned).toMatchObject({ ok: true, pinned: true });
    expect(unpinned).toMatchObject({ ok: true, pinned: false });
  });

  it('refuses to prove a record no checkpoint covers', async () => {
    // Prepare
    const { archive } = await build();

    // Act, Assess
    await expect(proveEvent(archive, 'app-1-evt-41')).rejects.toThrow(/not covered/);
  });

  it('refuses to prove from an archive that does not match its checkpoint', async () => {
    // Prepare
    const { archive } = await build();
    const rewritten = sealChain('app-1', 10, 0, undefined, (seq) => ({ rewritten: seq }));
    archive.overwrite(segmentKey('app-1', 0), segmentText(rewritten));

    // Act, Assess
    await expect(proveEvent(archive, 'app-1-evt-3')).rejects.toThrow(/does not match/);
  });

  it.each([
    { name: 'not an object', edit: () => 'proof', reason: /not a version 1 proof/ },
    {
      name: 'a missing field',
      edit: (p: ProofFile) => ({ ...p, proof: undefined }),
      reason: /lacks fields/,
    },
    {
      name: 'a record hash changed',
      edit: (p: ProofFile) => ({ ...p, record: { ...p.record, hash: 'f'.repeat(64) } }),
      reason: /does not match its hash/,
    },
    {
      name: 'a bigger tree size',
      edit: (p: ProofFile) => ({ ...p, tree_size: 41 }),
      reason: /tree_size is not the checkpoint size/,
    },
    {
      name: 'a path that is not base64',
      edit: (p: ProofFile) => ({ ...p, proof: ['%%'] }),
      reason: /not base64/,
    },
    {
      name: 'a shortened path',
      edit: (p: ProofFile) => ({ ...p, proof: p.proof.slice(1) }),
      reason: /does not lead to the signed root/,
    },
    {
      name: 'a checkpoint of another chain',
      edit: (p: ProofFile) => ({ ...p, chain: 'app-2', record: { ...p.record, chain: 'app-2' } }),
      reason: /not chain app-2/,
    },
    {
      name: 'no key at all',
      edit: (p: ProofFile) => ({ ...p, vkey: undefined }),
      reason: /--public-key/,
    },
  ])('rejects a proof with $name', async ({ edit, reason }) => {
    // Prepare
    const { archive } = await build();
    const proof = await proveEvent(archive, 'app-1-evt-5');

    // Act
    const check = checkProof(edit(proof));

    // Assess
    expect(check).toMatchObject({ ok: false, reason: expect.stringMatching(reason) });
  });

  it('rejects a proof under a key that did not sign it', async () => {
    // Prepare
    const { archive } = await build();
    const proof = await proveEvent(archive, 'app-1-evt-5');

    // Act
    const check = checkProof(proof, await stranger.verifierKey());

    // Assess
    expect(check).toMatchObject({ ok: false, reason: expect.stringMatching(/does not verify/) });
  });
});
