/**
 * `audit-trail prove <event_id>`: finds the record in the archive and prints (or writes) an
 * inclusion proof against the latest signed checkpoint of its chain.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { ProofError, proveEvent } from '#core/verify/proof.ts';
import { openArchiveReader } from './archive-location.ts';
import { EXIT_USAGE, failureText, usageExit } from './verify.ts';

interface ProveFlags {
  readonly archive?: string;
  readonly data?: string;
  readonly out?: string;
}

/** The archive of `--archive`, else `<--data | $AUDIT_TRAIL_DATA | ./.audit-trail>/archive`. */
export const defaultArchive = (flags: ProveFlags): string =>
  flags.archive ?? join(flags.data ?? process.env.AUDIT_TRAIL_DATA ?? './.audit-trail', 'archive');

/** `audit-trail prove`. */
export const registerProve = (program: Command): void => {
  program
    .command('prove')
    .description('print an inclusion proof of one record against the latest signed checkpoint')
    .argument('<event_id>', 'event id of the record')
    .option('--archive <dir>', 'archive directory (default <data>/archive)')
    .option('--data <dir>', 'data directory (env AUDIT_TRAIL_DATA, default ./.audit-trail)')
    .option('--out <file>', 'write the proof to this file instead of stdout')
    .exitOverride(usageExit)
    .action(async (eventId: string, flags: ProveFlags) => {
      try {
        const reader = await openArchiveReader(defaultArchive(flags));
        const proof = `${JSON.stringify(await proveEvent(reader, eventId), null, 2)}\n`;
        if (flags.out === undefined) process.stdout.write(proof);
        else {
          await writeFile(flags.out, proof);
          process.stderr.write(`proof of ${eventId} written to ${flags.out}\n`);
        }
      } catch (error) {
        const text = error instanceof ProofError ? error.message : failureText(error);
        process.stderr.write(`audit-trail prove: ${text}\n`);
        process.exitCode = error instanceof ProofError ? 1 : EXIT_USAGE;
      }
    });
};
