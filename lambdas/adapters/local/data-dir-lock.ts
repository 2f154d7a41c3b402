import { randomBytes } from 'node:crypto';
import { link, readFile, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { AuditTrailError } from '#core/errors.ts';
import { isErrnoCode } from './file-io.ts';

/** Another live process (or this one) runs on the data directory. */
export class DataDirInUseError extends AuditTrailError {
  readonly code = 'data_dir_in_use';
  override readonly name = 'DataDirInUseError';
}

/** Who holds a lock: the process (pid and kernel start time, so a reused pid is not taken
 * for the owner), the boot it ran in, and a nonce that makes every holding unique. */
interface Owner {
  readonly pid: number;
  /** Start time in clock ticks since boot (/proc/<pid>/stat field 22); null off Linux. */
  readonly start: string | null;
  readonly boot: string | null;
  readonly nonce: string;
}

const readText = async (path: string): Promise<string | undefined> => {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if (isErrnoCode(error, 'ENOENT')) return undefined;
    throw error;
  }
};

/** The kernel's start time of a process, or undefined when it does not exist; null where
 * /proc is not available (then only the pid is checked). */
const startTimeOf = async (pid: number): Promise<string | null | undefined> => {
  if (process.platform !== 'linux') return null;
  const stat = await readText(`/proc/${pid}/stat`);
  if (stat === undefined) return undefined;
  // Fields after the command name (which may hold spaces and parentheses): field 22 is
  // the 20th after the closing parenthesis.
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? undefined;
};

const bootId = async (): Promise<string | null> =>
  process.platform === 'linux'
    ? ((await readText('/proc/sys/kernel/random/boot_id'))?.trim() ?? null)
    : null;

const pidAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return isErrnoCode(error, 'EPERM');
  }
};

/** Whether the process that wrote `text` still runs. Unreadable content (an old pid-only
 * lock, a foreign file) is judged by its pid when it has one, else as stale. */
const holderAlive = async (text: string): Promise<{ alive: boolean; pid?: number }> => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) {
    const pid = Number(text.trim());
    return Number.isInteger(pid) && pid > 0 ? { alive: pidAlive(pid), pid } : { alive: false };
  }
  const owner = parsed as Partial<Owner>;
  const { pid } = owner;
  if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) return { alive: false };
  const boot = await bootId();
  if (boot !== null && owner.boot !== undefined && owner.boot !== null && owner.boot !== boot) {
    return { alive: false, pid };
  }
  const start = await startTimeOf(pid);
  if (start === undefined) return { alive: false, pid };
  if (start === null || owner.start === undefined || owner.start === null) {
    return { alive: pidAlive(pid), pid };
  }
  return { alive: start === owner.start, pid };
};

/** The name that serialises the take-over of the stale holding written as `text`. */
export const takeoverName = (name: string, text: string): string => {
  let hash = 0;
  for (let i = 0; i < text.length; i++) hash = (hash * 31 + text.charCodeAt(i)) >>> 0;
  return `${name}.takeover-${hash.toString(36)}-${text.length}`;
};

/**
 * Links `candidate` (a complete file: readers never see a half-written lock) at `name`;
 * when `name` is held by a process that is gone, takes it over. A take-over is itself a
 * lock, on a name derived from the stale holding, taken the same way, so of several
 * processes that find one stale lock exactly one replaces it, and each re-reads the lock
 * once it holds the take-over, never removing a lock other than the stale one it saw.
 */
const claim = async (candidate: string, name: string, depth: number): Promise<void> => {
  for (;;) {
    try {
      await link(candidate, name);
      return;
    } catch (error) {
      if (!isErrnoCode(error, 'EEXIST')) throw error;
    }
    const seen = await readText(name);
    if (seen === undefined) continue;
    const holder = await holderAlive(seen);
    if (holder.alive) {
      throw new DataDirInUseError(
        `${dirname(name)} is in use by process ${holder.pid} (if no audit-trail runs there, delete ${name})`,
      );
    }
    if (depth > 8) throw new DataDirInUseError(`could not take over the stale lock ${name}`);
    const takeover = takeoverName(name, seen);
    await claim(candidate, takeover, depth + 1);
    try {
      if ((await readText(name)) === seen) await unlink(name).catch(ignoreMissing);
    } finally {
      await unlink(takeover).catch(ignoreMissing);
    }
  }
};

const ignoreMissing = (error: unknown): void => {
  if (!isErrnoCode(error, 'ENOENT')) throw error;
};

/**
 * Takes the data directory for this process: two writers on one ledger would corrupt it.
 * The lock file names its holder (pid, kernel start time, boot id); it is created
 * exclusively and complete (written aside, then hard-linked into place), and a lock whose
 * holder is gone (kill -9, power loss) is taken over by exactly one of the processes that
 * find it. Answers the function that releases it.
 */
export const lockDataDir = async (file: string): Promise<() => Promise<void>> => {
  const owner: Owner = {
    pid: process.pid,
    start: (await startTimeOf(process.pid)) ?? null,
    boot: await bootId(),
    nonce: randomBytes(12).toString('hex'),
  };
  const text = JSON.stringify(owner);
  const candidate = join(dirname(file), `.${basename(file)}.${owner.nonce}`);
  await writeFile(candidate, text, { mode: 0o600, flag: 'wx' });
  try {
    await claim(candidate, file, 0);
  } finally {
    await unlink(candidate).catch(ignoreMissing);
  }
  return async () => {
    if ((await readText(file)) === text) await unlink(file).catch(ignoreMissing);
  };
};
