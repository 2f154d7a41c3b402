/**
 * The checkpointer's side of proofs without chain reads: while it hashes the records a new
 * checkpoint covers, it also appends them to the chain's Merkle tiles (core/chain/tiles.ts)
 * and, once the checkpoint is in the archive, stores the tiles and then the head.
 *
 * A chain checkpointed before tiles existed (or whose tiles lag its checkpoint) is caught up
 * once from the archived segments, from the tiles' size on; later runs only read the O(log n) edge
 * tiles and hash the new records, as the checkpoint itself does.
 */

import { checkpointKey } from '#core/archive/layout.ts';
import { edgeTiles, MissingTileError, TILE_WIDTH, TileAppender } from '#core/chain/tiles.ts';
import type { CheckpointDeps } from '#ports/pipeline-deps.ts';
import type { ProofTilesPort } from '#ports/proof-source.ts';
import { archivedLeaves } from './archived-leaves.ts';

/** Completed tiles are written in groups of this many during a catch-up. */
const FLUSH_EVERY = 64;

export interface TileFeed {
  /** Appends the next leaf hash (in chain order), in memory: true when completed tiles are
   * due to be written (`flush`), so the hashing loop awaits nothing per leaf. */
  push(leaf: Uint8Array): boolean;
  /** Writes the tiles completed so far. */
  flush(): Promise<void>;
  /** Stores the remaining tiles, then the head (size and signed note). */
  finish(size: number, note: string): Promise<void>;
}

const feedFor = async (
  chain: string,
  tiles: ProofTilesPort,
  from: number,
  deps: CheckpointDeps,
): Promise<TileFeed> => {
  const edge = edgeTiles(from);
  const stored = edge.length === 0 ? new Map() : await tiles.tiles(chain, edge);
  const appender = new TileAppender(
    from,
    edge.map((t) => ({ ...t, hashes: stored.get(`${t.level}/${t.index}`) ?? [] })),
  );
  const flush = async (all: boolean): Promise<void> => {
    const done = appender.takeCompleted();
    const write = all ? [...done, ...appender.edge()] : done;
    if (write.length > 0) await tiles.putTiles(chain, write);
  };
  return {
    push: (leaf) => {
      appender.push(leaf);
      return appender.size % (FLUSH_EVERY * TILE_WIDTH) === 0;
    },
    flush: () => flush(false),
    finish: async (size, note) => {
      if (appender.size !== size)
        throw new MissingTileError(`tiles of ${chain} at ${appender.size}, head at ${size}`);
      await flush(true);
      await tiles.putHead(chain, { size, note, vkey: await deps.signer.verifierKey() });
    },
  };
};

/** Tiles never hold a checkpoint up: a failure is logged, the chain's head is left where it
 * was (proofs of newer records answer "not covered yet"), and the next run starts over from
 * that head. */
const warn = (chain: string, deps: CheckpointDeps, error: unknown): undefined => {
  deps.log.warn('proof tiles not updated', {
    chain,
    error: error instanceof Error ? error.message : String(error),
  });
  return undefined;
};

/**
 * The tile feed of a chain whose next checkpoint starts at `checkpointed` records, caught up
 * to there first; undefined when the deployment keeps no tiles (or they cannot be read).
 */
export const openTileFeed = async (
  chain: string,
  checkpointed: number,
  deps: CheckpointDeps,
): Promise<TileFeed | undefined> => {
  const tiles = deps.proofTiles;
  if (tiles === undefined) return undefined;
  let inner: TileFeed;
  try {
    const tiled = (await tiles.head(chain))?.size ?? 0;
    inner = await openFeed(chain, tiles, tiled, checkpointed, deps);
  } catch (error) {
    return warn(chain, deps, error);
  }
  let broken = false;
  const guard = async (step: () => Promise<void>): Promise<void> => {
    if (broken) return;
    try {
      await step();
    } catch (error) {
      broken = true;
      warn(chain, deps, error);
    }
  };
  return {
    push: (leaf) => {
      if (broken) return false;
      try {
        return inner.push(leaf);
      } catch (error) {
        broken = true;
        warn(chain, deps, error);
        return false;
      }
    },
    flush: () => guard(() => inner.flush()),
    finish: (size, note) => guard(() => inner.finish(size, note)),
  };
};

/** The feed of tiles whose head is at `tiled`, caught up to `checkpointed`. */
const openFeed = async (
  chain: string,
  tiles: ProofTilesPort,
  tiled: number,
  checkpointed: number,
  deps: CheckpointDeps,
): Promise<TileFeed> => {
  // Tiles ahead of the checkpoint (a crash between the two writes) are simply rewritten.
  const from = Math.min(tiled, checkpointed);
  const feed = await feedFor(chain, tiles, from, deps);
  // From the archived bytes, as the checkpoint itself is (archived-leaves.ts).
  for await (const leaf of archivedLeaves(deps.archive, chain, from, checkpointed - 1))
    if (feed.push(leaf)) await feed.flush();
  return feed;
};

/** For a chain that did not grow: catch its tiles up to its last checkpoint, if they lag. */
export const catchUpTiles = async (
  chain: string,
  checkpointed: number,
  deps: CheckpointDeps,
): Promise<void> => {
  const tiles = deps.proofTiles;
  if (tiles === undefined || checkpointed === 0) return;
  try {
    const tiled = (await tiles.head(chain))?.size ?? 0;
    if (tiled >= checkpointed) return;
    const note = await deps.archive.get(checkpointKey(chain, checkpointed));
    if (note === undefined) return;
    const feed = await openFeed(chain, tiles, tiled, checkpointed, deps);
    await feed.finish(checkpointed, new TextDecoder().decode(note));
  } catch (error) {
    warn(chain, deps, error);
  }
};
