/**
 * Merkle tiles (the shape of C2SP tlog-tiles): the hashes the checkpointer computes anyway,
 * kept so that an inclusion proof needs O(log n) stored items instead of the whole chain.
 *
 * Level 0 holds the leaf hashes; an entry of level L is the root of the perfect subtree of
 * 256^L leaves it stands for. A tile is 256 consecutive entries of one level, so tile (L, k)
 * holds entries [256k, 256k + 256). Entries never change once written (they cover complete
 * subtrees), so a tile only ever grows, and a wider copy of a tile serves any tree size its
 * prefix covers. Any perfect subtree of height h is computed from at most 128 entries of one
 * tile of level ⌊h/8⌋; any audit-path node is a right fold of such subtrees.
 */

import { AuditTrailError } from '#core/errors.ts';
import { auditPathRanges, frontierRoot, rootOf } from './merkle.ts';

export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 2 ** TILE_HEIGHT;

/** One tile's place in the tree. */
export interface TileAddress {
  readonly level: number;
  readonly index: number;
}

/** A tile and the entries known of it (at most TILE_WIDTH, leftmost first). */
export interface Tile extends TileAddress {
  readonly hashes: readonly Uint8Array[];
}

/** Raised when the stored tiles lack an entry a proof needs. */
export class MissingTileError extends AuditTrailError {
  readonly code = 'missing_tile';
  override readonly name = 'MissingTileError';
}

export const tileId = (t: TileAddress): string => `${t.level}/${t.index}`;

/** How many entries level L has in a tree of `size` leaves. */
const entriesAt = (level: number, size: number): number => Math.floor(size / TILE_WIDTH ** level);

/** The rightmost, incomplete tiles of a tree of `size` leaves, with the width each has. */
export const edgeTiles = (size: number): (TileAddress & { width: number })[] => {
  const out: (TileAddress & { width: number })[] = [];
  for (let level = 0; entriesAt(level, size) > 0; level++) {
    const entries = entriesAt(level, size);
    const width = entries % TILE_WIDTH;
    if (width > 0) out.push({ level, index: Math.floor(entries / TILE_WIDTH), width });
  }
  return out;
};

/**
 * Appends leaf hashes to a tree kept as tiles, resuming from the right-edge tiles of its
 * current size (`edgeTiles`). Completed tiles are handed out by `takeCompleted` (so a long
 * catch-up is written as it goes, in bounded memory); `edge` gives the incomplete ones.
 */
export class TileAppender {
  #size: number;
  /** Per level, the tile being filled. */
  readonly #open: { index: number; hashes: Uint8Array[] }[] = [];
  #completed: Tile[] = [];

  /** `edge`: the stored right-edge tiles of a tree of `size` leaves (wider copies are cut). */
  constructor(size: number, edge: readonly Tile[]) {
    this.#size = size;
    const stored = new Map(edge.map((t) => [tileId(t), t.hashes]));
    for (let level = 0; level === 0 || entriesAt(level - 1, size) >= TILE_WIDTH; level++) {
      const entries = entriesAt(level, size);
      const index = Math.floor(entries / TILE_WIDTH);
      const width = entries % TILE_WIDTH;
      const hashes = stored.get(tileId({ level, index })) ?? [];
      if (hashes.length < width)
        throw new MissingTileError(`tile ${level}/${index} has ${hashes.length} of ${width}`);
      this.#open.push({ index, hashes: hashes.slice(0, width) });
    }
  }

  get size(): number {
    return this.#size;
  }

  push(leaf: Uint8Array): void {
    let entry = leaf;
    for (let level = 0; ; level++) {
      const open = this.#open[level] ?? { index: 0, hashes: [] };
      this.#open[level] = open;
      open.hashes.push(entry);
      if (open.hashes.length < TILE_WIDTH) break;
      this.#completed.push({ level, index: open.index, hashes: open.hashes });
      entry = rootOf(open.hashes);
      this.#open[level] = { index: open.index + 1, hashes: [] };
    }
    this.#size++;
  }

  /** Tiles completed since the last call. */
  takeCompleted(): Tile[] {
    const done = this.#completed;
    this.#completed = [];
    return done;
  }

  /** The incomplete tiles (non-empty ones). */
  edge(): Tile[] {
    return this.#open
      .map((open, level) => ({ level, index: open.index, hashes: [...open.hashes] }))
      .filter((t) => t.hashes.length > 0);
  }
}

/** A perfect subtree: height h, covering leaves [index·2^h, (index+1)·2^h). */
interface Subtree {
  readonly height: number;
  readonly index: number;
}

/** The perfect subtrees, largest first, whose right fold is the RFC 9162 root of the
 * leaves [from, to) of an audit-path node (from is aligned to a power ≥ to − from). */
const subtreesOf = (from: number, to: number): Subtree[] => {
  const out: Subtree[] = [];
  let at = from;
  while (at < to) {
    let height = 0;
    while (at % 2 ** (height + 1) === 0 && at + 2 ** (height + 1) <= to) height++;
    out.push({ height, index: at / 2 ** height });
    at += 2 ** height;
  }
  return out;
};

/** Where a subtree's entries are: one tile, from `offset`, `count` entries. */
const placeOf = (s: Subtree): TileAddress & { offset: number; count: number } => {
  const level = Math.floor(s.height / TILE_HEIGHT);
  const count = 2 ** (s.height - level * TILE_HEIGHT);
  const first = s.index * count;
  return { level, index: Math.floor(first / TILE_WIDTH), offset: first % TILE_WIDTH, count };
};

/** The tiles an inclusion proof of leaf `index` in a tree of `size` leaves reads. */
export const proofTiles = (index: number, size: number): TileAddress[] => {
  const wanted = new Map<string, TileAddress>();
  for (const [from, to] of auditPathRanges(index, size)) {
    for (const s of subtreesOf(from, to)) {
      const { level, index: tile } = placeOf(s);
      wanted.set(tileId({ level, index: tile }), { level, index: tile });
    }
  }
  return [...wanted.values()];
};

/** The RFC 9162 audit path of leaf `index` in a tree of `size` leaves, from its tiles (as
 * `proofTiles` lists them). Throws MissingTileError when a needed entry is absent. */
export const auditPathFromTiles = (
  index: number,
  size: number,
  tiles: ReadonlyMap<string, readonly Uint8Array[]>,
): Uint8Array[] =>
  auditPathRanges(index, size).map(([from, to]) => {
    const roots = subtreesOf(from, to).map((s) => {
      const place = placeOf(s);
      const hashes = tiles.get(tileId(place));
      if (hashes === undefined || hashes.length < place.offset + place.count) {
        throw new MissingTileError(`tile ${tileId(place)} lacks the entries a proof needs`);
      }
      return rootOf(hashes.slice(place.offset, place.offset + place.count));
    });
    // The subtrees are the frontier of the node's to − from leaves.
    return frontierRoot({ size: to - from, hashes: roots });
  });
