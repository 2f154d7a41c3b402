import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidHashError } from '#core/chain/hash.ts';
import {
  consistencyProof,
  consistencyProofFromFrontier,
  createTreeBuilder,
  EMPTY_ROOT,
  emptyFrontier,
  type Frontier,
  FrontierFormatError,
  frontierAppend,
  frontierFromJson,
  frontierRoot,
  frontierToJson,
  inclusionProof,
  leafHash,
  nodeHash,
  ProofRangeError,
  rootOf,
  verifyConsistency,
  verifyInclusion,
} from '#core/chain/merkle.ts';

const FIXTURES = join(import.meta.dirname, '../../fixtures/rfc9162-proofs');

const b64 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'base64'));
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const sha256 = (...parts: Uint8Array[]): Uint8Array => {
  const h = createHash('sha256');
  for (const part of parts) h.update(part);
  return new Uint8Array(h.digest());
};

const fixtureFiles = (kind: 'inclusion' | 'consistency'): string[] =>
  readdirSync(join(FIXTURES, kind), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.json'))
    .sort();

interface InclusionCase {
  leafIdx: number;
  treeSize: number;
  root: string;
  leafHash: string;
  proof: string[] | null;
  wantErr: boolean;
}
interface ConsistencyCase {
  size1: number;
  size2: number;
  root1: string;
  root2: string;
  proof: string[] | null;
  wantErr: boolean;
}
const readCase = <T>(kind: string, name: string): T =>
  JSON.parse(readFileSync(join(FIXTURES, kind, name), 'utf8')) as T;

/** The eight leaves of the RFC 6962 reference tests (certificate-transparency). */
const RFC6962_LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map((data) => leafHash(Buffer.from(data, 'hex')));

/** Deterministic distinct leaf hashes. */
const leavesOf = (count: number): Uint8Array[] =>
  Array.from({ length: count }, (_, i) => leafHash(Buffer.from(`leaf ${i}`)));

const flipBit = (bytes: Uint8Array, bit: number): Uint8Array => {
  const copy = new Uint8Array(bytes);
  copy[bit >> 3] = (copy[bit >> 3] as number) ^ (1 << (bit & 7));
  return copy;
};

describe('RFC 9162 hashing', () => {
  it('hashes leaves and nodes with their prefixes, and the empty tree as SHA-256("")', () => {
    // Prepare
    const [a, b] = [new Uint8Array([1, 2]), new Uint8Array([3])];

    // Act / Assess
    expect(hex(leafHash(a))).toBe(hex(sha256(new Uint8Array([0]), a)));
    expect(hex(nodeHash(a, b))).toBe(hex(sha256(new Uint8Array([1]), a, b)));
    expect(hex(EMPTY_ROOT)).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect(hex(rootOf([]))).toBe(hex(EMPTY_ROOT));
  });

  it.each([
    [1, '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d'],
    [2, 'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'],
    [3, 'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77'],
    [4, 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7'],
    [5, '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4'],
    [6, '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef'],
    [7, 'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c'],
    [8, '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328'],
  ])('gives the RFC 6962 reference root for %i leaves', (size, root) => {
    expect(hex(rootOf(RFC6962_LEAVES.slice(0, size)))).toBe(root);
  });
});

describe('RFC 9162 proof vectors', () => {
  const inclusion = fixtureFiles('inclusion');
  const consistency = fixtureFiles('consistency');

  it('has the vectors to check', () => {
    expect(inclusion.length + consistency.length).toBeGreaterThanOrEqual(190);
  });

  it.each(inclusion)('inclusion %s', (name) => {
    // Prepare
    const c = readCase<InclusionCase>('inclusion', name);

    // Act
    const ok = verifyInclusion(
      b64(c.leafHash),
      c.leafIdx,
      c.treeSize,
      (c.proof ?? []).map(b64),
      b64(c.root),
    );

    // Assess
    expect(ok).toBe(!c.wantErr);
  });

  it.each(consistency)('consistency %s', (name) => {
    // Prepare
    const c = readCase<ConsistencyCase>('consistency', name);

    // Act
    const ok = verifyConsistency(
      c.size1,
      c.size2,
      (c.proof ?? []).map(b64),
      b64(c.root1),
      b64(c.root2),
    );

    // Assess
    expect(ok).toBe(!c.wantErr);
  });

  it('generates the proofs of the happy-path vectors over the RFC 6962 leaves', () => {
    // Prepare
    const c = readCase<InclusionCase>('inclusion', '1/happy-path.json');

    // Act
    const proof = inclusionProof(RFC6962_LEAVES, c.leafIdx, c.treeSize);

    // Assess
    expect(proof.map((p) => Buffer.from(p).toString('base64'))).toEqual(c.proof);
  });
});

describe('generated proofs', () => {
  const leaves = leavesOf(70);
  const roots = Array.from({ length: 71 }, (_, size) => rootOf(leaves.slice(0, size)));

  it('verify for every leaf of every tree of 1..70 leaves, and fail with one bit flipped', () => {
    const failures: string[] = [];
    for (let size = 1; size <= 70; size++) {
      const root = roots[size] as Uint8Array;
      for (let index = 0; index < size; index++) {
        // Act
        const proof = inclusionProof(leaves, index, size);
        const leaf = leaves[index] as Uint8Array;
        const k = index % Math.max(proof.length, 1);
        const badProof = proof.map((p, i) => (i === k ? flipBit(p, 255) : p));

        // Assess
        const outcomes = [
          verifyInclusion(leaf, index, size, proof, root),
          !verifyInclusion(flipBit(leaf, index), index, size, proof, root),
          !verifyInclusion(leaf, index, size, proof, flipBit(root, size)),
          proof.length === 0 || !verifyInclusion(leaf, index, size, badProof, root),
          size === 1 || !verifyInclusion(leaf, (index + 1) % size, size, proof, root),
        ];
        if (outcomes.includes(false)) failures.push(`${index}/${size}: ${outcomes}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('verify between every pair of sizes 1 ≤ size1 ≤ size2 ≤ 70, and fail with one bit flipped', () => {
    const failures: string[] = [];
    for (let size2 = 1; size2 <= 70; size2++) {
      const root2 = roots[size2] as Uint8Array;
      for (let size1 = 1; size1 <= size2; size1++) {
        // Act
        const root1 = roots[size1] as Uint8Array;
        const proof = consistencyProof(leaves, size1, size2);
        const k = size1 % Math.max(proof.length, 1);
        const badProof = proof.map((p, i) => (i === k ? flipBit(p, 0) : p));

        // Assess
        const changed = size1 < size2;
        const outcomes = [
          verifyConsistency(size1, size2, proof, root1, root2),
          changed === proof.length > 0,
          !verifyConsistency(size1, size2, proof, flipBit(root1, 7), root2),
          !changed || !verifyConsistency(size1, size2, badProof, root1, root2),
          !changed || !verifyConsistency(size1, size2, proof, root1, flipBit(root2, 100)),
        ];
        if (outcomes.includes(false)) failures.push(`${size1}->${size2}: ${outcomes}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it.each([
    ['index past the end', () => inclusionProof(leavesOf(4), 4, 4)],
    ['negative index', () => inclusionProof(leavesOf(4), -1, 4)],
    ['size past the leaves', () => inclusionProof(leavesOf(4), 0, 5)],
    ['empty tree', () => consistencyProof(leavesOf(4), 0, 0)],
    ['size1 of zero', () => consistencyProof(leavesOf(4), 0, 3)],
    ['size1 above size2', () => consistencyProof(leavesOf(4), 3, 2)],
  ])('refuse to generate a proof for %s', (_name, generate) => {
    expect(generate).toThrow(ProofRangeError);
  });
});

describe('proof verification never throws', () => {
  const h = leafHash(new Uint8Array([1]));
  const garbage: unknown[] = [null, undefined, 'x', 1, {}, [null], [new Uint8Array(31)]];

  it.each(garbage)('rejects proof %j', (proof) => {
    expect(verifyInclusion(h, 0, 2, proof as Uint8Array[], h)).toBe(false);
    expect(verifyConsistency(1, 2, proof as Uint8Array[], h, h)).toBe(false);
  });

  it.each([
    [Number.NaN, 1],
    [0.5, 2],
    [-1, 2],
    [0, Number.POSITIVE_INFINITY],
    [2 ** 60, 2 ** 61],
  ])('rejects sizes or indexes %s, %s', (a, b) => {
    expect(verifyInclusion(h, a, b, [h], h)).toBe(false);
    expect(verifyConsistency(a, b, [h], h, h)).toBe(false);
  });

  it('rejects roots that are not byte arrays', () => {
    expect(verifyInclusion(h, 0, 1, [], 'root' as unknown as Uint8Array)).toBe(false);
    expect(verifyConsistency(1, 1, [], h, null as unknown as Uint8Array)).toBe(false);
  });
});

describe('frontier', () => {
  it('tracks the root of every prefix, holding one hash per set bit of the size', () => {
    // Prepare
    const leaves = leavesOf(70);
    let frontier: Frontier = emptyFrontier();

    for (let size = 1; size <= leaves.length; size++) {
      // Act
      frontier = frontierAppend(frontier, leaves[size - 1] as Uint8Array);

      // Assess
      expect(frontier.size).toBe(size);
      expect(frontier.hashes.length).toBe(size.toString(2).replaceAll('0', '').length);
      expect(hex(frontierRoot(frontier))).toBe(hex(rootOf(leaves.slice(0, size))));
    }
    expect(hex(frontierRoot(emptyFrontier()))).toBe(hex(EMPTY_ROOT));
  });

  it('round-trips through JSON', () => {
    // Prepare
    const frontier = leavesOf(13).reduce(frontierAppend, emptyFrontier());

    // Act
    const json = JSON.parse(JSON.stringify(frontierToJson(frontier)));
    const back = frontierFromJson(json);

    // Assess
    expect(json.size).toBe(13);
    expect(json.hashes).toHaveLength(3);
    expect(back.size).toBe(13);
    expect(hex(frontierRoot(back))).toBe(hex(frontierRoot(frontier)));
  });

  it.each([
    ['a negative size', { size: -1, hashes: [] }],
    ['a fractional size', { size: 1.5, hashes: ['00'.repeat(32)] }],
    ['too few hashes', { size: 3, hashes: ['00'.repeat(32)] }],
    ['too many hashes', { size: 2, hashes: ['00'.repeat(32), '11'.repeat(32)] }],
    ['a short hash', { size: 1, hashes: ['00'.repeat(31)] }],
    ['an uppercase hash', { size: 1, hashes: ['AA'.repeat(32)] }],
    ['hashes that are no array', { size: 1, hashes: 'aa' as unknown as string[] }],
  ])('refuses a stored frontier with %s', (_name, json) => {
    expect(() => frontierFromJson(json)).toThrow(FrontierFormatError);
  });
});

describe('createTreeBuilder', () => {
  it('agrees with rootOf, whether fed leaf hashes or record hashes', () => {
    // Prepare
    const recordHashes = Array.from({ length: 37 }, (_, i) => hex(leafHash(Buffer.from(`r${i}`))));
    const leaves = recordHashes.map((h) => leafHash(Buffer.from(h, 'hex')));
    const byLeaf = createTreeBuilder();
    const byRecord = createTreeBuilder();

    // Act
    for (const leaf of leaves) byLeaf.push(leaf);
    for (const h of recordHashes) byRecord.pushRecordHash(h);

    // Assess
    expect(byLeaf.size).toBe(37);
    expect(hex(byLeaf.root())).toBe(hex(rootOf(leaves)));
    expect(hex(byRecord.root())).toBe(hex(rootOf(leaves)));
  });

  it('resumes from a frontier', () => {
    // Prepare
    const leaves = leavesOf(21);
    const first = createTreeBuilder();
    for (const leaf of leaves.slice(0, 9)) first.push(leaf);

    // Act
    const resumed = createTreeBuilder(first.frontier());
    for (const leaf of leaves.slice(9)) resumed.push(leaf);

    // Assess
    expect(resumed.size).toBe(21);
    expect(hex(resumed.root())).toBe(hex(rootOf(leaves)));
    expect(hex(createTreeBuilder().root())).toBe(hex(EMPTY_ROOT));
  });

  it('refuses a record hash that is not 64 lowercase hex, or a leaf hash of another length', () => {
    expect(() => createTreeBuilder().pushRecordHash('AB'.repeat(32))).toThrow(InvalidHashError);
    expect(() => createTreeBuilder().push(new Uint8Array(31))).toThrow(InvalidHashError);
  });
});

describe('consistencyProofFromFrontier', () => {
  it('equals the proof from all leaves, for every pair of sizes up to 40', () => {
    const leaves = Array.from({ length: 40 }, (_, i) => leafHash(new Uint8Array([i])));
    let checked = 0;
    for (let size1 = 1; size1 <= 40; size1++) {
      let frontier = emptyFrontier();
      for (const leaf of leaves.slice(0, size1)) frontier = frontierAppend(frontier, leaf);
      for (let size2 = size1; size2 <= 40; size2++) {
        const proof = consistencyProofFromFrontier(frontier, leaves.slice(size1, size2));
        expect(proof).toEqual(consistencyProof(leaves, size1, size2));
        checked++;
      }
    }
    expect(checked).toBe(820);
  });
});
