import type { Tile, TileAddress } from '#core/chain/tiles.ts';

/** The latest signed checkpoint of a chain, as the checkpointer wrote it. */
export interface ProofHead {
  /** Tree size the note signs. */
  readonly size: number;
  /** The signed checkpoint note (with any cosignatures). */
  readonly note: string;
  /** The verifier key of the note's signer. */
  readonly vkey: string;
}

/**
 * Where inclusion proofs come from without reading a chain: the Merkle tiles the
 * checkpointer keeps per chain (core/chain/tiles.ts) and the head they were written for.
 * A proof reads the head and O(log n) tiles.
 */
export interface ProofSourcePort {
  /** The latest head of a chain, or undefined before its first tiles. */
  head(chain: string): Promise<ProofHead | undefined>;
  /** The stored entries of these tiles, by `tileId`; absent tiles are left out. */
  tiles(chain: string, addresses: readonly TileAddress[]): Promise<Map<string, Uint8Array[]>>;
}

/** What the checkpointer writes: tiles first, then the head that relies on them. */
export interface ProofTilesPort extends ProofSourcePort {
  /** Stores tiles (a tile written again is only ever wider: entries never change). */
  putTiles(chain: string, tiles: readonly Tile[]): Promise<void>;
  putHead(chain: string, head: ProofHead): Promise<void>;
}
