import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { DEFAULT_POLICY_FILE } from './dev.ts';

/** `audit-trail policy init|check`: start from the default policy, validate an edited one. */
export const registerPolicy = (program: Command): void => {
  const policy = program.command('policy').description('write or check a policy file');

  policy
    .command('init')
    .description(`write the default policy to a file to edit (default ./${DEFAULT_POLICY_FILE})`)
    .argument('[file]', 'where to write it', DEFAULT_POLICY_FILE)
    .action(async (file: string) => {
      const { DEFAULT_POLICY_YAML } = await import('#core/policy/default-policy.ts');
      try {
        await writeFile(file, DEFAULT_POLICY_YAML, { flag: 'wx' });
      } catch (error) {
        const exists = (error as NodeJS.ErrnoException).code === 'EEXIST';
        process.stderr.write(`error: ${exists ? `${file} exists; not overwritten` : error}\n`);
        process.exit(2);
      }
      process.stdout.write(`wrote ${file}: edit it, then restart \`npm start\`\n`);
    });

  policy
    .command('check')
    .description('validate a policy file and print its version')
    .argument('<file>', 'policy file, YAML or JSON')
    .action(async (file: string) => {
      const [{ loadPolicy }, { policyVersion }] = await Promise.all([
        import('#core/policy/load-policy.ts'),
        import('#core/policy/version.ts'),
      ]);
      try {
        const loaded = loadPolicy(await readFile(file, 'utf8'), file);
        process.stdout.write(
          `ok: ${loaded.rules.length} rules, version ${policyVersion(loaded)}\n`,
        );
      } catch (error) {
        process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
      }
    });
};
