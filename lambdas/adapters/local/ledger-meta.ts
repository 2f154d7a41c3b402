import { type FileHandle, open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChainMeta } from '#ports/ledger.ts';
import { fsyncDir, isErrnoCode, writeAll, writeFileSynced } from './file-io.ts';
import { GroupCommit } from './group-commit.ts';
import { LedgerCorruptError, LedgerIOError } from './ledger-errors.ts';

/** Per-chain bookkeeping of the file ledger, kept in `meta.log`. */
export interface MetaStore {
  get(chain: string): ChainMeta;
  /** Merges forward-only and persists (fsynced) before resolving; after a failed write
   * every set is refused (LedgerIOError) until the ledger is reopened. */
  set(chain: string, update: Partial<ChainMeta>): Promise<void>;
  close(): Promise<void>;
}

const META_FILE = 'meta.log';
const EMPTY: ChainMeta = { archived_through: -1, checkpoint_size: 0, checkpoint_frontier: [] };

/** One `set` waiting to be written. */
interface MetaSet {
  readonly chain: string;
  readonly update: Partial<ChainMeta>;
}

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

  /** One group of sets: each chain's merged meta, one line per changed chain, one sync. */
  const writeGroup = async (group: readonly MetaSet[]): Promise<void> => {
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
    if (changed.size === 0) return;
    const bytes = Buffer.from(
      [...changed].map(([c, m]) => `${JSON.stringify({ c, m })}\n`).join(''),
    );
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
  };
  // Fail-stop like the ledger's own files: after a failed write the meta on disk is
  // unknown, so every later set is refused until the ledger is reopened.
  const sets = new GroupCommit<MetaSet>({
    write: writeGroup,
    failure: (cause) =>
      new LedgerIOError(`${META_FILE} write failed; reopen the ledger`, { cause }),
  });

  return {
    get: (chain) => metas.get(chain) ?? EMPTY,
    set: (chain, update) => sets.push({ chain, update }),
    close: async () => {
      await sets.settled();
      await handle.close();
    },
  };
};
