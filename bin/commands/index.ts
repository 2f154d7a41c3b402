import type { Command } from 'commander';
import { registerDev } from './dev.ts';
import { registerPolicy } from './policy.ts';
import { registerProve } from './prove.ts';
import { registerReview } from './review.ts';
import { registerVerify } from './verify.ts';
import { registerVerifyProof } from './verify-proof.ts';

/** Adds every command to the program; one file per command. */
export const registerCommands = (program: Command): void => {
  registerDev(program);
  registerVerify(program);
  registerProve(program);
  registerVerifyProof(program);
  registerPolicy(program);
  registerReview(program);
};
