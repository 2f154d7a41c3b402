import type { Command } from 'commander';

/** Adds every command to the program; one file per command. */
export const registerCommands = (_program: Command): void => {};
