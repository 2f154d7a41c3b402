/**
 * The witness's state on disk: one JSON file per origin, `<dir>/<sha256(origin)>.json`,
 * replaced atomically (synced temp file, rename, directory sync). Updates of one origin run
 * one at a time in this process, so checking and recording a checkpoint are one step; a
 * witness directory belongs to one process.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { WitnessState, WitnessStorePort } from '#ports/witness.ts';
import { fsyncDir, isErrnoCode, writeFileSynced } from './file-io.ts';

export const openWitnessStore = async (dir: string): Promise<WitnessStorePort> => {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const hashOf = (origin: string): string => createHash('sha256').update(origin).digest('hex');
  const fileOf = (origin: string): string => join(dir, `${hashOf(origin)}.json`);
  const queues = new Map<string, Promise<unknown>>();

  const read = async (hash: string): Promise<WitnessState | undefined> => {
    try {
      const state = JSON.parse(await readFile(join(dir, `${hash}.json`), 'utf8')) as WitnessState;
      return hashOf(state.origin) === hash ? state : undefined;
    } catch (error) {
      if (isErrnoCode(error, 'ENOENT')) return undefined;
      throw error;
    }
  };

  const get = (origin: string): Promise<WitnessState | undefined> => read(hashOf(origin));

  const save = async (state: WitnessState): Promise<void> => {
    const path = fileOf(state.origin);
    const temporary = `${path}.${randomUUID()}.tmp`;
    try {
      await writeFileSynced(temporary, `${JSON.stringify(state)}\n`, 'wx', 0o600);
      await rename(temporary, path);
    } finally {
      await rm(temporary, { force: true });
    }
    await fsyncDir(dir);
  };

  return {
    get,
    getByOriginHash: (hash) =>
      /^[0-9a-f]{64}$/.test(hash) ? read(hash) : Promise.resolve(undefined),
    update: (origin, step) => {
      const before = queues.get(origin) ?? Promise.resolve();
      const run = before.then(async () => {
        const { next, result } = await step(await get(origin));
        if (next) await save(next);
        return result;
      });
      const settled = run.catch(() => undefined);
      queues.set(origin, settled);
      void settled.then(() => {
        if (queues.get(origin) === settled) queues.delete(origin);
      });
      return run;
    },
  };
};
