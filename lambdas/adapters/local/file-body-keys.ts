/**
 * The local body-key store: one JSON line per key in `<dir>/keys.jsonl`, all held in memory.
 * New keys are appended with one write and one fsync per call (calls queue behind each
 * other). Destroying keys rewrites the file without them (temp file, fsync, rename, fsync of
 * the directory), so no file the store keeps names a destroyed key afterwards.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { BodyKeyEntry, BodyKeysPort } from '#ports/body-keys.ts';
import { fsyncDir, isErrnoCode, writeFileSynced } from './file-io.ts';

const FILE = 'keys.jsonl';

export interface FileBodyKeys extends BodyKeysPort {
  readonly dir: string;
  /** Number of keys held. */
  readonly size: number;
}

const lineOf = (id: string, key: Uint8Array): string =>
  `${JSON.stringify({ id, k: Buffer.from(key).toString('hex') })}\n`;

/** Opens (creating) the store in `dir`. */
export const openFileBodyKeys = async (dir: string): Promise<FileBodyKeys> => {
  await mkdir(dir, { recursive: true });
  const path = join(dir, FILE);
  const keys = new Map<string, Uint8Array>();
  let text = '';
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (!isErrnoCode(error, 'ENOENT')) throw error;
  }
  for (const line of text.split('\n')) {
    if (line === '') continue;
    try {
      const { id, k } = JSON.parse(line) as { id: string; k: string };
      keys.set(id, Buffer.from(k, 'hex'));
    } catch {
      // A line torn by a crash: its append never resolved, so no body uses that key.
    }
  }
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  };
  const appendLines = async (entries: readonly BodyKeyEntry[]): Promise<void> => {
    if (entries.length === 0) return;
    const handle = await open(path, 'a');
    try {
      await handle.write(entries.map((e) => lineOf(e.id, e.key)).join(''));
      await handle.datasync();
    } finally {
      await handle.close();
    }
  };
  const pick = (ids: readonly string[]): Map<string, Uint8Array> => {
    const found = new Map<string, Uint8Array>();
    for (const id of ids) {
      const key = keys.get(id);
      if (key) found.set(id, key);
    }
    return found;
  };

  return {
    dir,
    get size() {
      return keys.size;
    },
    ensure: (ids) => {
      if (ids.every((id) => keys.has(id))) return Promise.resolve(pick(ids));
      return serial(async () => {
        const created = [...new Set(ids)]
          .filter((id) => !keys.has(id))
          .map((id) => ({ id, key: randomBytes(32) }));
        await appendLines(created);
        for (const e of created) keys.set(e.id, e.key);
        return pick(ids);
      });
    },
    get: async (ids) => pick(ids),
    put: (entries) =>
      serial(async () => {
        const fresh = entries.filter((e) => !keys.has(e.id));
        await appendLines(fresh);
        for (const e of fresh) keys.set(e.id, e.key);
      }),
    destroy: (ids) =>
      serial(async () => {
        const gone = ids.filter((id) => keys.has(id));
        if (gone.length === 0) return 0;
        for (const id of gone) keys.delete(id);
        const lines: string[] = [];
        for (const [id, key] of keys) lines.push(lineOf(id, key));
        const temp = join(dir, `${FILE}.tmp`);
        await writeFileSynced(temp, lines.join(''), 'w', 0o600);
        await rename(temp, path);
        await fsyncDir(dir);
        return gone.length;
      }),
    ids: async (prefix) => [...keys.keys()].filter((id) => id.startsWith(prefix)),
  };
};
