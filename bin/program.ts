// The audit-trail CLI's command tree, apart from the entry point that parses process.argv
// (bin/audit-trail.ts), so tests can run commands in their own process.
import { Command } from 'commander';
import { registerCommands } from './commands/index.ts';

export const createProgram = (): Command => {
  const program = new Command('audit-trail')
    .description('Tamper-evident audit trail for AI decisions')
    .showHelpAfterError();
  registerCommands(program);
  return program;
};
