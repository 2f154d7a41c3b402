#!/usr/bin/env node
// The audit-trail CLI. Each command lives in bin/commands/<name>.ts and registers itself.
import { Command } from 'commander';
import { registerCommands } from './commands/index.ts';

const program = new Command('audit-trail')
  .description('Tamper-evident audit trail for AI decisions')
  .showHelpAfterError();

registerCommands(program);

await program.parseAsync(process.argv);
