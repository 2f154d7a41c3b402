import { open, readFile, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AuditTrailError } from '#core/errors.ts';
import { isErrnoCode } from './file-io.ts';

/** Another live process (or this one) runs on the data directory. */
export class DataDirInUseError extends AuditTrailError {
  readonly code = 'data_dir_in_use';
  override readonly name = 'DataDirInUseError';
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return isErrnoCode(error, 'EPERM');
  }
};

/**
 * Takes the data directory for this process: two writers on one ledger would corrupt it.
 * The lock file holds the owner's pid; a lock whose process is gone (kill -9) is taken
 * over. Answers the function that releases it.
 */
export const lockDataDir = async (file: string): Promise<() => Promise<void>> => {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(file, 'wx', 0o600);
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      return () => rm(file, { force: true });
    } catch (error) {
      if (!isErrnoCode(error, 'EEXIST')) throw error;
    }
    const owner = Number((await readFile(file, 'utf8').catch(() => '')).trim());
    if (Number.isInteger(owner) && owner > 0 && isAlive(owner)) {
      throw new DataDirInUseError(
        `${dirname(file)} is in use by process ${owner} (if it is not an audit-trail, delete ${file})`,
      );
    }
    await rm(file, { force: true });
  }
  throw new DataDirInUseError(`could not lock ${dirname(file)}`);
};
