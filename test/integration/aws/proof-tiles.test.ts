/**
 * Inclusion proofs on AWS (DynamoDB Local + s3rver): the checkpointer keeps each chain's
 * Merkle tiles in the ledger table, and a proof reads the head and O(log n) tiles. The
 * proof is the one the local runtime builds from the archive, and the core checker accepts
 * it; the review route's answer carries it instead of `proof_unavailable`.
 */
import type { APIGatewayProxyResult } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoProofTiles } from '#adapters/aws/dynamo-proof-tiles.ts';
import { loadOrCreateEd25519Signer } from '#adapters/local/ed25519-signer.ts';
import type { LedgerRecord } from '#core/chain/record.ts';
import { proofTiles } from '#core/chain/tiles.ts';
import { checkpointChains } from '#core/pipeline/checkpoint.ts';
import { processBatch } from '#core/pipeline/process-batch.ts';
import { checkProof, ProofError, type ProofFile, proveEvent } from '#core/verify/proof.ts';
import { proveFromTiles } from '#core/verify/tile-proof.ts';
import type { ArchivePort } from '#ports/archive.ts';
import type { LedgerPort } from '#ports/ledger.ts';
import type { ProofTilesPort } from '#ports/proof-source.ts';
import { awsWorld, type LedgerOptions } from '#test/helpers/aws-world.ts';
import { memoryLog } from '#test/helpers/memory-log.ts';
import { routeEvent } from '#test/helpers/route-event.ts';
import { silentLog } from '#test/helpers/silent-log.ts';
import { removeDir, tempDir } from '#test/helpers/temp-dir.ts';
import { withAppend } from '#test/helpers/with-append.ts';
import { lambdaContext } from '#test/unit/handlers/context.ts';
import { decisionEnvelope, processorDeps } from './support.ts';

const world = awsWorld();
let signerDir: string;

beforeAll(async () => {
  signerDir = await tempDir('proof-tiles-');
});

afterAll(async () => {
  await removeDir(signerDir);
});

/** The ledger, counting the records the checkpointer reads through `range`. */
const counting = (ledger: LedgerPort) => {
  const read = { records: 0 };
  const wrapped: LedgerPort = {
    ...withAppend(ledger, (expected, records) => ledger.append(expected, records)),
    range: async function* (chain, from, to) {
      for await (const record of ledger.range(chain, from, to)) {
        read.records++;
        yield record;
      }
    },
  };
  return { ledger: wrapped, read };
};

/** The archive, counting the record lines of the segments it streams. */
const countingArchive = (archive: ArchivePort) => {
  const read = { lines: 0 };
  const wrapped: ArchivePort = {
    put: (key, bytes, options) => archive.put(key, bytes, options),
    list: (prefix) => archive.list(prefix),
    get: (key) => archive.get(key),
    stream: async function* (key) {
      for await (const chunk of archive.stream(key)) {
        if (key.includes('/segments/')) read.lines += chunk.filter((b) => b === 10).length;
        yield chunk;
      }
    },
  };
  return { archive: wrapped, read };
};

const ingest = async (
  deps: ReturnType<typeof processorDeps>,
  from: number,
  count: number,
): Promise<void> => {
  for (let at = from; at < from + count; at += 100) {
    const batch = Array.from({ length: Math.min(100, from + count - at) }, (_, i) =>
      decisionEnvelope(`d${at + i}`, 'app'),
    );
    const outcomes = await processBatch(batch, deps);
    expect(outcomes.every((o) => o.status === 'recorded')).toBe(true);
  }
};

/** A fresh ledger (with the chains index) and its tile store, the processor's deps over
 * them, and a checkpointer run that writes the tiles to `proofTiles`. */
const tiledLedger = async (options: LedgerOptions = {}) => {
  const { table, archive, ledger } = await world.newLedger({ chainsIndex: 'chains', ...options });
  const tiles = new DynamoProofTiles({ client: world.db.client, table });
  const signer = await loadOrCreateEd25519Signer(signerDir);
  const deps = processorDeps(ledger, archive);
  const checkpoint = (proofTiles: ProofTilesPort = tiles, log = silentLog) =>
    checkpointChains({
      ledger,
      archive,
      clock: deps.clock,
      signer,
      log,
      logName: signer.keyName,
      proofTiles,
    });
  return { table, ledger, tiles, signer, deps, checkpoint };
};

describe('inclusion proofs from Merkle tiles on DynamoDB', () => {
  it('catch up an old chain, grow with each checkpoint, and prove like the archive does', async () => {
    // Prepare: a chain checkpointed before tiles existed, then one that grows with them
    const {
      table,
      archive: s3Archive,
      ledger: dynamo,
    } = await world.newLedger({ chainsIndex: 'chains', searchIndexes: true });
    const { archive, read: archived } = countingArchive(s3Archive);
    const { ledger, read } = counting(dynamo);
    const tiles = new DynamoProofTiles({ client: world.db.client, table });
    const signer = await loadOrCreateEd25519Signer(signerDir);
    const deps = processorDeps(dynamo, s3Archive);
    const checkpointer = { ledger, archive, clock: deps.clock, signer, log: silentLog };
    const run = (withTiles: boolean) =>
      checkpointChains({
        ...checkpointer,
        logName: signer.keyName,
        ...(withTiles ? { proofTiles: tiles } : {}),
      });
    await ingest(deps, 0, 300);
    await run(false);
    await ingest(deps, 300, 300);

    // Act: the first run with tiles catches up 0..299 and adds 300..599
    archived.lines = 0;
    await run(true);
    const caughtUp = archived.lines;
    await ingest(deps, 600, 17);
    archived.lines = 0;
    await run(true);
    const grown = archived.lines;
    archived.lines = 0;
    await run(true);
    const idle = archived.lines;

    // Assert: no ledger read; each run streams only the segments it needs
    // (segments of 100; a checkpoint also reads the segment holding the last signed
    // record, to check the link): tiles 0..299 and checkpoint 200..599, then 500..616.
    expect(caughtUp).toBe(700);
    expect(grown).toBe(117);
    expect(idle).toBe(0);
    expect(read.records).toBe(0);
    expect((await tiles.head('app'))?.size).toBe(617);
    for (const seq of [0, 255, 256, 300, 511, 512, 616]) {
      const record = (await dynamo.get('app', seq)) as LedgerRecord;
      tiles.itemsRead = 0;
      const proof = await proveFromTiles(record, tiles);
      // The head and the tiles of its path, nothing more (617 leaves: levels 0 and 1).
      expect(tiles.itemsRead).toBe(1 + proofTiles(seq, 617).length);
      expect(tiles.itemsRead).toBeLessThanOrEqual(1 + 2 * 2);
      const check = checkProof(proof, await signer.verifierKey());
      expect(check).toMatchObject({ ok: true, pinned: true });
      // The same proof file the local runtime builds by streaming the archive.
      expect(proof).toEqual(await proveEvent(archive, record.event_id, 'app'));
    }
  });

  it('refuses a record no checkpoint covers yet, and a tampered tile', async () => {
    // Prepare
    const { ledger, tiles, deps, checkpoint } = await tiledLedger();
    await ingest(deps, 0, 5);
    await checkpoint();
    await ingest(deps, 5, 1);
    const late = (await ledger.get('app', 5)) as LedgerRecord;
    const early = (await ledger.get('app', 1)) as LedgerRecord;
    const edge = (await tiles.tiles('app', [{ level: 0, index: 0 }])).get('0/0') ?? [];
    const swapped = [...edge];
    [swapped[0], swapped[2]] = [edge[2] as Uint8Array, edge[0] as Uint8Array];

    // Act & Assert
    await expect(proveFromTiles(late, tiles)).rejects.toThrow(/not covered by a signed checkpoint/);
    await tiles.putTiles('app', [{ level: 0, index: 0, hashes: swapped }]);
    await expect(proveFromTiles(early, tiles)).rejects.toThrow(ProofError);
    await expect(proveFromTiles(early, tiles)).rejects.toThrow(/do not lead to its checkpoint/);
  });

  it('never holds a checkpoint up when the tiles cannot be written, and catches up later', async () => {
    // Prepare: a tile store that refuses writes
    const { ledger, tiles, deps, checkpoint } = await tiledLedger();
    const failing: ProofTilesPort = {
      head: (chain) => tiles.head(chain),
      tiles: (chain, at) => tiles.tiles(chain, at),
      putTiles: async () => {
        throw new Error('throttled');
      },
      putHead: (chain, head) => tiles.putHead(chain, head),
    };
    await ingest(deps, 0, 4);
    const log = memoryLog();

    // Act
    const written = await checkpoint(failing, log);
    const before = await tiles.head('app');
    await checkpoint();

    // Assert: the checkpoint was signed without tiles; the next run caught them up
    expect(written).toMatchObject([{ chain: 'app', size: 4 }]);
    expect(log.lines).toContainEqual(
      expect.objectContaining({ message: 'proof tiles not updated' }),
    );
    expect(before).toBeUndefined();
    const record = (await ledger.get('app', 3)) as LedgerRecord;
    expect(checkProof(await proveFromTiles(record, tiles))).toMatchObject({ ok: true });
  });

  it('answers GET /v1/reviews/{event_id} from the query Lambda with a proof that checks', async () => {
    // Prepare: the handlers' environment on DynamoDB Local and s3rver
    const { table, signer, deps, checkpoint } = await tiledLedger({ searchIndexes: true });
    const keys = await world.newKeysTable();
    Object.assign(process.env, world.handlerEnv({ ledger: table, keys, prefix: table }));
    await ingest(deps, 0, 3);
    await checkpoint();
    const query = (await import('#handlers/query.ts')).handler;

    // Act
    const answer = (await query(
      routeEvent('get_review', { params: { event_id: 'd1' } }) as never,
      lambdaContext('query'),
    )) as APIGatewayProxyResult;

    // Assert
    expect(answer.statusCode).toBe(200);
    const body = JSON.parse(answer.body) as { proof: ProofFile | null; proof_unavailable?: string };
    expect(body.proof_unavailable).toBeUndefined();
    expect(body.proof).toMatchObject({ seq: 1, tree_size: 3 });
    expect(checkProof(body.proof, await signer.verifierKey())).toMatchObject({ ok: true });
  });
});
