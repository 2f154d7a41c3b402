import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { inclusionProof, leafHash } from '#core/chain/merkle.ts';
import {
  auditPathFromTiles,
  edgeTiles,
  MissingTileError,
  proofTiles,
  type Tile,
  TileAppender,
  tileId,
} from '#core/chain/tiles.ts';

const leaves = (n: number): Uint8Array[] =>
  Array.from({ length: n }, (_, i) =>
    leafHash(createHash('sha256').update(`record ${i}`).digest()),
  );

/** A tile store as the checkpointer keeps it: tiles only ever widen. */
const store = () => {
  const tiles = new Map<string, readonly Uint8Array[]>();
  return {
    tiles,
    put: (written: readonly Tile[]) => {
      for (const t of written) {
        const old = tiles.get(tileId(t));
        if (old === undefined || old.length <= t.hashes.length) tiles.set(tileId(t), t.hashes);
      }
    },
    edge: (size: number): Tile[] =>
      edgeTiles(size).map((t) => ({ ...t, hashes: tiles.get(tileId(t)) ?? [] })),
  };
};

/** Appends `all` in runs of the given lengths, resuming from the store each time. */
const build = (all: readonly Uint8Array[], runs: readonly number[]) => {
  const s = store();
  let at = 0;
  for (const run of runs) {
    const appender = new TileAppender(at, s.edge(at));
    for (const leaf of all.slice(at, at + run)) appender.push(leaf);
    s.put([...appender.takeCompleted(), ...appender.edge()]);
    at += run;
  }
  return s;
};

describe('Merkle tiles', () => {
  it('give the RFC 9162 audit path of leaves of trees up to 600 leaves, at every tile edge', () => {
    // Prepare
    const all = leaves(600);
    const s = build(all, [1, 2, 252, 1, 255, 89]);
    // Act & Assert: tree sizes around tile edges, leaves around tile edges in them
    const edges = [0, 1, 2, 127, 128, 254, 255, 256, 257, 300, 510, 511, 512, 513, 598, 599];
    for (const size of [1, 2, 3, 5, 255, 256, 257, 511, 512, 513, 600]) {
      for (const index of edges.filter((i) => i < size)) {
        const path = auditPathFromTiles(index, size, s.tiles);
        expect(path).toEqual(inclusionProof(all, index, size));
      }
    }
  });

  it('reach the third level (over 65,536 leaves) and read at most two tiles per level', () => {
    // Prepare
    const all = leaves(66_000);
    const s = build(all, [40_000, 25_535, 1, 464]);
    // Act & Assert
    for (const index of [0, 65_535, 65_536, 65_999]) {
      const needed = proofTiles(index, all.length);
      expect(needed.length).toBeLessThanOrEqual(2 * 3);
      const path = auditPathFromTiles(index, all.length, s.tiles);
      expect(path).toEqual(inclusionProof(all, index, all.length));
    }
    expect(s.tiles.get('2/0')).toHaveLength(1);
  });

  it('refuse to build a path from a tile that lacks entries, and to resume from one', () => {
    // Prepare
    const all = leaves(300);
    const s = build(all, [300]);
    const cut = new Map(s.tiles);
    cut.set('0/1', (s.tiles.get('0/1') ?? []).slice(0, 10));
    // Act & Assert
    expect(() => auditPathFromTiles(299, 300, cut)).toThrow(MissingTileError);
    expect(() => new TileAppender(300, [{ level: 0, index: 1, hashes: [] }])).toThrow(
      MissingTileError,
    );
  });
});
