import { open } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChainHead, LedgerRecord } from '#core/chain/record.ts';
import type { ChainMeta, LedgerPort } from '#ports/ledger.ts';
import type { RecordSearchPort } from '#ports/record-search.ts';
import { fsyncDir, mkdirSynced } from './file-io.ts';
import { LedgerClosedError } from './ledger-errors.ts';
import type { FrameHeader } from './ledger-frame.ts';
import { RecordLocations } from './ledger-locations.ts';
import { type MetaStore, openMetaStore } from './ledger-meta.ts';
import { readRecords } from './ledger-reader.ts';
import { rebuild } from './ledger-rebuild.ts';
import { SearchBacklog } from './ledger-search-backlog.ts';
import { LedgerWriter } from './ledger-writer.ts';

/** The file-backed ledger, plus what it had to repair when it was opened. */
export interface FileLedger extends LedgerPort, RecordSearchPort {
  readonly dir: string;
  /** Bytes of a torn tail cut off at open (an append that a crash interrupted). */
  readonly recovered: { readonly recordBytes: number; readonly bodyBytes: number };
  /** Waits for in-flight appends, then releases the files. */
  close(): Promise<void>;
}

const RECORDS_FILE = 'records.log';
const BODIES_FILE = 'bodies.log';

/**
 * Opens (creating if needed) a file ledger in `dir`: appends are group-committed (one write
 * and one fsync per file for all appends that arrive while the previous sync runs), and
 * resolve only once durable. Reads see durable records only. Opening rebuilds the indexes
 * from frame headers and cuts a torn tail left by a crash.
 *
 * The parts: `rebuild` (ledger-rebuild.ts) replays the files into `RecordLocations` (where
 * each record is); `LedgerWriter` group-commits appends; `readRecords` reads ranges;
 * `SearchBacklog` indexes search terms in the background; `MetaStore` holds chain meta.
 */
export const openFileLedger = async (dir: string): Promise<FileLedger> => {
  await mkdirSynced(dir);
  const opened: { close(): Promise<void> }[] = [];
  try {
    return await openLedgerFiles(dir, opened);
  } catch (error) {
    // Refused (damaged files) or failed: release what was opened before saying so.
    for (const file of opened.reverse()) await file.close().catch(() => undefined);
    throw error;
  }
};

const openLedgerFiles = async (
  dir: string,
  opened: { close(): Promise<void> }[],
): Promise<FileLedger> => {
  const records = await open(join(dir, RECORDS_FILE), 'a+');
  opened.push(records);
  const bodies = await open(join(dir, BODIES_FILE), 'a+');
  opened.push(bodies);
  // The files may be new: their directory entries must survive a crash before any append
  // is acknowledged as durable.
  await fsyncDir(dir);
  const meta: MetaStore = await openMetaStore(dir);
  opened.push(meta);

  const locations = new RecordLocations();
  const backlog = new SearchBacklog();
  const durable = (header: FrameHeader, recordsStart: number, lastHash: string): void => {
    const chain = locations.apply(header, recordsStart, lastHash);
    backlog.add(chain.name, chain.count - header.ids.length, header);
  };
  const recovered = await rebuild(records, bodies, durable);
  const writer = new LedgerWriter({ records, bodies }, recovered, durable);

  let closed = false;
  const usable = (): void => {
    if (closed) throw new LedgerClosedError();
  };

  const append = async (expected: ChainHead, batch: readonly LedgerRecord[]): Promise<void> => {
    usable();
    if (writer.failed !== undefined) throw writer.failed;
    if (batch.length === 0) return;
    locations.admit(expected, batch);
    const durableAt = writer.append(batch);
    locations.reserve(batch);
    return durableAt;
  };

  async function* range(chain: string, fromSeq: number, toSeq: number) {
    usable();
    const state = locations.find(chain);
    if (state !== undefined) yield* readRecords(records, bodies, state, fromSeq, toSeq);
  }

  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await writer.settled();
    await backlog.stop();
    await meta.close();
    await Promise.all([records.close(), bodies.close()]);
  };

  void backlog.catchUp();
  return {
    dir,
    recovered: { recordBytes: recovered.cutRecords, bodyBytes: recovered.cutBodies },
    head: async (chain) => {
      usable();
      return locations.head(chain);
    },
    append,
    locate: async (eventIds) => {
      usable();
      return locations.locate(eventIds);
    },
    get: async (chain, seq) => {
      for await (const record of range(chain, seq, seq)) return record;
      return undefined;
    },
    range,
    chains: async function* () {
      usable();
      yield* locations.names();
    },
    search: async (query) => {
      usable();
      return backlog.search(query);
    },
    meta: async (chain: string): Promise<ChainMeta> => {
      usable();
      return meta.get(chain);
    },
    setMeta: async (chain: string, update: Partial<ChainMeta>): Promise<void> => {
      usable();
      await meta.set(chain, update);
    },
    close,
  };
};
