import {
  type AttributeValue,
  BatchGetItemCommand,
  type BatchGetItemCommandOutput,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { META_KEY_PREFIX } from '#core/chain/ledger-keys.ts';
import { type Tile, type TileAddress, tileId } from '#core/chain/tiles.ts';
import type { ProofHead, ProofTilesPort } from '#ports/proof-source.ts';
import { N, num, S, str } from './dynamo-item.ts';

/** Tile seq = level · 2^45 + index: level-0 indexes stay below 2^45 for any 2^53-leaf tree,
 * and the largest (level 6) stays a safe integer. */
const LEVEL_STRIDE = 2 ** 45;
/** The head sits beside the chain meta item (seq −1). */
const HEAD_SEQ = -2;
const HASH_BYTES = 32;
/** BatchGetItem takes at most 100 keys. */
const BATCH = 100;

type Key = Record<string, AttributeValue>;

/**
 * Merkle tiles and the latest head of each chain in the ledger table, in the partition of
 * the chain's meta item (` meta#<chain>`): tiles at seq ≥ 0, the head at seq −2. They are
 * bookkeeping, not records, so the checkpointer's existing UpdateItem grant on the meta
 * prefix covers them and the read routes' GetItem/BatchGetItem grant reads them; nothing
 * that lists chains or records sees them (no registry attribute, not a record partition).
 *
 *   tile  hashes (B, 32 bytes per entry), width (N)
 *   head  size (N), note (S), vkey (S)
 */
export class DynamoProofTiles implements ProofTilesPort {
  readonly #client: DynamoDBClient;
  readonly #table: string;
  /** Items read, for tests that count work. */
  itemsRead = 0;

  constructor(options: { client: DynamoDBClient; table: string }) {
    this.#client = options.client;
    this.#table = options.table;
  }

  #key(chain: string, seq: number): Key {
    return { chain: S(`${META_KEY_PREFIX}${chain}`), seq: N(seq) };
  }

  #tileKey(chain: string, t: TileAddress): Key {
    return this.#key(chain, t.level * LEVEL_STRIDE + t.index);
  }

  async head(chain: string): Promise<ProofHead | undefined> {
    const out = await this.#client.send(
      new GetItemCommand({ TableName: this.#table, Key: this.#key(chain, HEAD_SEQ) }),
    );
    if (out.Item === undefined) return undefined;
    this.itemsRead++;
    const size = num(out.Item, 'size');
    const note = str(out.Item, 'note');
    const vkey = str(out.Item, 'vkey');
    return size === undefined || note === undefined || vkey === undefined
      ? undefined
      : { size, note, vkey };
  }

  async tiles(
    chain: string,
    addresses: readonly TileAddress[],
  ): Promise<Map<string, Uint8Array[]>> {
    const found = new Map<string, Uint8Array[]>();
    for (let at = 0; at < addresses.length; at += BATCH) {
      let keys: Key[] | undefined = addresses
        .slice(at, at + BATCH)
        .map((t) => this.#tileKey(chain, t));
      for (let attempt = 0; keys !== undefined && keys.length > 0; attempt++) {
        if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt)));
        const out: BatchGetItemCommandOutput = await this.#client.send(
          new BatchGetItemCommand({ RequestItems: { [this.#table]: { Keys: keys } } }),
        );
        for (const item of out.Responses?.[this.#table] ?? []) {
          this.itemsRead++;
          const seq = num(item, 'seq') ?? -1;
          const bytes = item.hashes?.B ?? new Uint8Array(0);
          const hashes: Uint8Array[] = [];
          for (let i = 0; i + HASH_BYTES <= bytes.length; i += HASH_BYTES)
            hashes.push(bytes.slice(i, i + HASH_BYTES));
          const level = Math.floor(seq / LEVEL_STRIDE);
          found.set(tileId({ level, index: seq - level * LEVEL_STRIDE }), hashes);
        }
        keys = out.UnprocessedKeys?.[this.#table]?.Keys;
      }
    }
    return found;
  }

  /** One item per tile, so the writes go out together (a catch-up flushes dozens). */
  async putTiles(chain: string, tiles: readonly Tile[]): Promise<void> {
    await Promise.all(
      tiles.map((tile) => {
        const bytes = new Uint8Array(tile.hashes.length * HASH_BYTES);
        tile.hashes.forEach((h, i) => {
          bytes.set(h, i * HASH_BYTES);
        });
        // Never narrower: a late, stale writer cannot take entries away.
        return this.#update(this.#tileKey(chain, tile), 'SET hashes = :h, #n = :n', 'width', {
          ':h': { B: bytes },
          ':n': N(tile.hashes.length),
        });
      }),
    );
  }

  async putHead(chain: string, head: ProofHead): Promise<void> {
    await this.#update(
      this.#key(chain, HEAD_SEQ),
      'SET note = :note, vkey = :vkey, #n = :n',
      'size',
      {
        ':note': S(head.note),
        ':vkey': S(head.vkey),
        ':n': N(head.size),
      },
    );
  }

  async #update(
    key: Key,
    update: string,
    /** The attribute that only grows (set from :n). */
    sizeName: string,
    values: Record<string, AttributeValue>,
  ): Promise<void> {
    try {
      await this.#client.send(
        new UpdateItemCommand({
          TableName: this.#table,
          Key: key,
          UpdateExpression: update,
          ConditionExpression: 'attribute_not_exists(#n) OR #n <= :n',
          ExpressionAttributeNames: { '#n': sizeName },
          ExpressionAttributeValues: values,
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}
