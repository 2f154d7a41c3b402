import type { Command } from 'commander';
import { registerDeployments } from './deployments.ts';
import { registerDev } from './dev.ts';
import { registerGate } from './gate.ts';
import { registerGovernance } from './governance.ts';
import { registerKeys } from './keys.ts';
import { registerPolicy } from './policy.ts';
import { registerProve } from './prove.ts';
import { registerReport } from './report.ts';
import { registerReview } from './review.ts';
import { registerSearch } from './search.ts';
import { registerVerify } from './verify.ts';
import { registerVerifyProof } from './verify-proof.ts';
import { registerWitness } from './witness.ts';

/** Adds every command to the program; one file per command. */
export const registerCommands = (program: Command): void => {
  registerDev(program);
  registerVerify(program);
  registerProve(program);
  registerVerifyProof(program);
  registerPolicy(program);
  registerWitness(program);
  registerReport(program);
  registerKeys(program);
  registerGovernance(program);
  registerReview(program);
  registerDeployments(program);
  registerGate(program);
  registerSearch(program);
};
