#!/usr/bin/env node
// The audit-trail CLI. Each command lives in bin/commands/<name>.ts and registers itself.
import { createProgram } from './program.ts';

await createProgram().parseAsync(process.argv);
