/**
 * `audit-trail verify-proof <file>`: checks an inclusion proof offline, with nothing but the
 * file and a public key. Exit 0 valid, 1 invalid, 2 unreadable input.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { checkProof } from '#core/verify/proof.ts';
import { EXIT_CLEAN, EXIT_FAULTS, readPublicKey, runAction, usageExit } from './exit.ts';

interface VerifyProofFlags {
  readonly publicKey?: string;
}

/** `audit-trail verify-proof`. */
export const registerVerifyProof = (program: Command): void => {
  program
    .command('verify-proof')
    .description('check an inclusion proof offline against the signed checkpoint it carries')
    .argument('<file>', 'proof file written by audit-trail prove')
    .option(
      '--public-key <file>',
      "pin the signer's verifier key; without it the key in the proof file is used (not pinned)",
    )
    .exitOverride(usageExit)
    .action((file: string, flags: VerifyProofFlags) =>
      runAction('verify-proof', async () => {
        const proof: unknown = JSON.parse(await readFile(file, 'utf8'));
        const check = checkProof(proof, await readPublicKey(flags.publicKey));
        if (!check.ok) {
          process.stdout.write(`INVALID: ${check.reason}\n`);
          return EXIT_FAULTS;
        }
        const { event_id, chain, seq, tree_size } = check.proof;
        const key = check.pinned
          ? `key pinned: ${check.key}`
          : `key NOT pinned: ${check.key} from the proof file; pass --public-key to pin it`;
        process.stdout.write(
          `valid: event ${event_id} is record ${seq} of chain ${chain}, included in the checkpoint of size ${tree_size} (${key})\n`,
        );
        return EXIT_CLEAN;
      }),
    );
};
