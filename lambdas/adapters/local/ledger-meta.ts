import { type FileHandle, open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChainMeta } from '#ports/ledger.ts';
import { fsyncDir, isErrnoCode, writeAll, writeFileSynced } from './file-io.ts';
import { LedgerCorruptError } from './ledger-errors.ts';

/** Per-chain bookkeeping of the file ledger, kept in `meta.log`. */
export interface MetaStore {
  get(chain: string): ChainMeta;
  /** Merges forward-only and persists (fsynced) before resolving. */
  set(chain: string, update: Partial<ChainMeta>): Promise<void>;
  close(): Promise<void>;
}

const META_FILE = 'meta.log';
const EMPTY: ChainMeta = { archived_through: -1, checkpoint_size: 0, checkpoint_frontier: [] };

/** One line per change: the chain's whole merged meta, so replay is "merge every line". */
interface MetaLine {
  readonly c: string;
  readonly m: ChainMeta;
}

/** Forward-only merge: lower archived_through / checkpoint_size are ignored. */
export const mergeMeta = (current: ChainMeta, update: Partial<ChainMeta>): ChainMeta => {
  const archived =
    update.archived_through !== undefined && update.archived_through > current.archived_through
      ? update.archived_through
      : current.archived_through;
  const advances =
    update.checkpoint_size !== undefined && update.checkpoint_size > current.checkpoint_size;
  return {
    archived_through: archived,
    checkpoint_size: advances ? (update.checkpoint_size as number) : current.checkpoint_size,
    checkpoint_frontier: advances
      ? [...(update.checkpoint_frontier ?? [])]
      : current.checkpoint_frontier,
  };
};

const parseLine = (line: string): MetaLine | undefined => {
  try {
    const parsed = JSON.parse(line) as Partial<MetaLine>;
    const m = parsed.m;
    if (
      typeof parsed.c === 'string' &&
      m !== undefined &&
      Number.isSafeInteger(m.archived_through) &&
      Number.isSafeInteger(m.checkpoint_size) &&
      Array.isArray(m.checkpoint_frontier)
    ) {
      return parsed as MetaLine;
    }
  } catch {
    // Not JSON: a torn line.
  }
  return undefined;
};

/** Opens meta.log, cutting a torn last line and compacting it to one line per chain. */
export const openMetaStore = async (dir: string): Promise<MetaStore> => {
  const path = join(dir, META_FILE);
  const metas = new Map<string, ChainMeta>();
  let text = '';
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (!isErrnoCode(error, 'ENOENT')) throw error;
  }
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (line === '') return;
    const parsed = parseLine(line);
    // Only the last line can be torn (each set is synced before the next is written).
    if (parsed === undefined) {
      if (i >= lines.length - 2) return;
      throw new LedgerCorruptError(`${META_FILE}: line ${i + 1} is damaged`);
    }
    metas.set(parsed.c, mergeMeta(metas.get(parsed.c) ?? EMPTY, parsed.m));
  });

  let handle: FileHandle;
  let size = 0;
  let lineCount = 0;
  const compact = async (): Promise<void> => {
    const temp = `${path}.tmp`;
    const snapshot = [...metas].map(([c, m]) => `${JSON.stringify({ c, m })}\n`).join('');
    await writeFileSynced(temp, snapshot, 'w');
    await rename(temp, path);
    await fsyncDir(dir);
    size = Buffer.byteLength(snapshot);
    lineCount = metas.size;
  };
  await compact();
  handle = await open(path, 'r+');

  // Group commit: every set arriving while a write+fsync runs goes out with the next one.
  let queue: { chain: string; update: Partial<ChainMeta>; done: (error?: unknown) => void }[] = [];
  let flushing: Promise<void> | undefined;
  const flushLoop = async (): Promise<void> => {
    while (queue.length > 0) {
      const group = queue;
      queue = [];
      const changed = new Map<string, ChainMeta>();
      for (const { chain, update } of group) {
        const current = changed.get(chain) ?? metas.get(chain) ?? EMPTY;
        const next = mergeMeta(current, update);
        if (
          next.archived_through !== current.archived_through ||
          next.checkpoint_size !== current.checkpoint_size
        ) {
          changed.set(chain, next);
        }
      }
      try {
        if (changed.size > 0) {
          const lines = [...changed].map(([c, m]) => `${JSON.stringify({ c, m })}\n`).join('');
          const bytes = Buffer.from(lines);
          await writeAll(handle, bytes, size);
          await handle.datasync();
          size += bytes.length;
          lineCount += changed.size;
          for (const [c, m] of changed) metas.set(c, m);
          if (lineCount > 1000 + 4 * metas.size) {
            await handle.close();
            await compact();
            handle = await open(path, 'r+');
          }
        }
        for (const { done } of group) done();
      } catch (error) {
        for (const { done } of group) done(error);
      }
    }
  };
  const kick = (): void => {
    flushing ??= flushLoop().finally(() => {
      flushing = undefined;
      if (queue.length > 0) kick();
    });
  };
  const set = (chain: string, update: Partial<ChainMeta>): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      queue.push({
        chain,
        update,
        done: (error) => (error === undefined ? resolve() : reject(error)),
      });
      kick();
    });

  return {
    get: (chain) => metas.get(chain) ?? EMPTY,
    set,
    close: async () => {
      await flushing;
      await handle.close();
    },
  };
};
