/**
 * `audit-trail verify-proof <file>`: checks an inclusion proof offline, with nothing but the
 * file and a public key. Exit 0 valid, 1 invalid, 2 unreadable input.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { checkProof } from '#core/verify/proof.ts';
import { EXIT_USAGE, failureText, usageExit } from './verify.ts';

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
    .action(async (file: string, flags: VerifyProofFlags) => {
      let proof: unknown;
      let publicKey: string | undefined;
      try {
        proof = JSON.parse(await readFile(file, 'utf8'));
        if (flags.publicKey !== undefined) publicKey = await readFile(flags.publicKey, 'utf8');
      } catch (error) {
        process.stderr.write(`audit-trail verify-proof: ${failureText(error)}\n`);
        process.exitCode = EXIT_USAGE;
        return;
      }
      const check = checkProof(proof, publicKey);
      if (!check.ok) {
        process.stdout.write(`INVALID: ${check.reason}\n`);
        process.exitCode = 1;
        return;
      }
      const { event_id, chain, seq, tree_size } = check.proof;
      const key = check.pinned
        ? `key pinned: ${check.key}`
        : `key NOT pinned: ${check.key} from the proof file; pass --public-key to pin it`;
      process.stdout.write(
        `valid: event ${event_id} is record ${seq} of chain ${chain}, included in the checkpoint of size ${tree_size} (${key})\n`,
      );
    });
};
