/**
 * `audit-trail prove <event_id>`: finds the record in the archive and prints (or writes) an
 * inclusion proof against the latest signed checkpoint of its chain.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { ProofError, proveEvent } from '#core/verify/proof.ts';
import { openArchiveReader } from './archive-location.ts';
import { dataDirOf } from './dev.ts';
import { EXIT_CLEAN, EXIT_FAULTS, runAction, usageExit } from './exit.ts';

interface ProveFlags {
  readonly archive?: string;
  readonly data?: string;
  readonly out?: string;
}

/** The archive of `--archive`, else `<--data | $AUDIT_TRAIL_DATA | ./.audit-trail>/archive`. */
const archiveOf = (flags: ProveFlags): string =>
  flags.archive ?? join(dataDirOf(flags.data), 'archive');

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
    .action((eventId: string, flags: ProveFlags) =>
      runAction('prove', async () => {
        const reader = await openArchiveReader(archiveOf(flags));
        let proof: string;
        try {
          proof = `${JSON.stringify(await proveEvent(reader, eventId), null, 2)}\n`;
        } catch (error) {
          if (!(error instanceof ProofError)) throw error;
          process.stderr.write(`audit-trail prove: ${error.message}\n`);
          return EXIT_FAULTS;
        }
        if (flags.out === undefined) process.stdout.write(proof);
        else {
          await writeFile(flags.out, proof);
          process.stderr.write(`proof of ${eventId} written to ${flags.out}\n`);
        }
        return EXIT_CLEAN;
      }),
    );
};
