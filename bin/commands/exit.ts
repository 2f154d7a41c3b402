/**
 * Exit codes and error output shared by verify, prove and verify-proof: 0 clean or valid,
 * 1 faults found or an invalid proof, 2 when the command could not run at all.
 */
import { readFile } from 'node:fs/promises';
import { PinnedKeyError } from '#core/verify/checkpoints.ts';
import { ArchiveLocationError } from './archive-location.ts';

export const EXIT_CLEAN = 0;
export const EXIT_FAULTS = 1;
export const EXIT_USAGE = 2;

/** Commander's own usage errors exit with 2 as well, not its default 1. */
export const usageExit = (error: { exitCode: number }): never =>
  process.exit(error.exitCode === 0 ? 0 : EXIT_USAGE);

/** Why the command could not run at all (exit 2, never confused with faults found). */
export const failureText = (error: unknown): string =>
  error instanceof ArchiveLocationError || error instanceof PinnedKeyError
    ? error.message
    : error instanceof Error
      ? `${error.name}: ${error.message}`
      : String(error);

/** Runs a command's action and sets its exit code; anything it throws is printed as
 * `audit-trail <command>: <why>` and exits 2. */
export const runAction = async (command: string, action: () => Promise<number>): Promise<void> => {
  try {
    process.exitCode = await action();
  } catch (error) {
    process.stderr.write(`audit-trail ${command}: ${failureText(error)}\n`);
    process.exitCode = EXIT_USAGE;
  }
};

/** The verifier key text of a `--public-key <file>` flag, when one is given. */
export const readPublicKey = async (file: string | undefined): Promise<string | undefined> =>
  file === undefined ? undefined : readFile(file, 'utf8');
