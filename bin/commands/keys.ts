/**
 * `audit-trail keys create|list|revoke`: API keys with a role, a tenant and chain scopes,
 * kept as digests in `<data>/access-keys.json` (a running `audit-trail dev` picks changes
 * up on its next request). A created key is printed once and never stored.
 */
import type { Command } from 'commander';
import { openFileKeyStore } from '#adapters/local/file-key-store.ts';
import { createKey } from '#core/access/keys.ts';
import { isRole, ROLES } from '#core/access/roles.ts';
import { devPaths } from '#handlers/wiring/dev-runtime.ts';
import type { KeyStore } from '#ports/key-store.ts';
import { operator } from './admin-deps.ts';
import { dataDirOf } from './dev.ts';
import { EXIT_CLEAN, EXIT_FAULTS, EXIT_USAGE, runAction, usageExit } from './exit.ts';

interface KeyFlags {
  readonly data?: string;
  readonly table?: string;
}

/** The local key file, or with `--table` a DynamoDB key table (AWS credentials and region
 * from the environment, as the AWS SDK finds them). */
const storeOf = async (flags: KeyFlags): Promise<KeyStore> => {
  if (flags.table === undefined)
    return openFileKeyStore(devPaths(dataDirOf(flags.data)).accessKeys);
  const [{ DynamoDBClient }, { dynamoKeyStore }] = await Promise.all([
    import('@aws-sdk/client-dynamodb'),
    import('#adapters/aws/dynamo-key-store.ts'),
  ]);
  return dynamoKeyStore(new DynamoDBClient({}), flags.table);
};

const TABLE_OPTION = [
  '--table <name>',
  'a DynamoDB key table instead of the local key file',
] as const;

const DATA_OPTION = [
  '--data <dir>',
  'data directory (env AUDIT_TRAIL_DATA, default ./.audit-trail)',
] as const;

/** `audit-trail keys`. */
export const registerKeys = (program: Command): void => {
  const keys = program.command('keys').description('create, list and revoke API keys');

  keys
    .command('create')
    .description('create a key; it is printed once and only its digest is kept')
    .requiredOption('--role <role>', `one of ${Object.keys(ROLES).join(', ')}`)
    .option('--chains <prefixes>', 'comma-separated chain-key prefixes the key may touch', '*')
    .option('--tenant <tenant>', 'tenant of the key', 'default')
    .option(...DATA_OPTION)
    .option(...TABLE_OPTION)
    .exitOverride(usageExit)
    .action((flags: KeyFlags & { role: string; chains: string; tenant: string }) =>
      runAction('keys create', async () => {
        if (!isRole(flags.role)) {
          process.stderr.write(
            `audit-trail keys create: --role must be one of ${Object.keys(ROLES).join(', ')}\n`,
          );
          return EXIT_USAGE;
        }
        const chains = flags.chains.split(',').map((c) => c.trim());
        const { key, stored } = await createKey(
          { role: flags.role, chains, tenant: flags.tenant, created_by: operator().key_id },
          await storeOf(flags),
          new Date(),
        );
        process.stdout.write(`${key}\n`);
        process.stderr.write(
          `key ${stored.key_id}: role ${stored.role}, tenant ${stored.tenant}, chains ${stored.chains.join(',')} (shown once; store it now)\n`,
        );
        return EXIT_CLEAN;
      }),
    );

  keys
    .command('list')
    .description('list keys (ids, roles, tenants, chains; never the keys)')
    .option(...DATA_OPTION)
    .option(...TABLE_OPTION)
    .option('--json', 'print JSON')
    .exitOverride(usageExit)
    .action((flags: KeyFlags & { json?: boolean }) =>
      runAction('keys list', async () => {
        const list = (await (await storeOf(flags)).list()).map(
          ({ digest: _digest, ...rest }) => rest,
        );
        if (flags.json === true) process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
        else {
          for (const k of list) {
            const state = k.revoked_at === undefined ? 'active' : `revoked ${k.revoked_at}`;
            process.stdout.write(
              `${k.key_id}\t${k.tenant}\t${k.role}\t${k.chains.join(',')}\t${k.created_at}\t${state}\n`,
            );
          }
        }
        return EXIT_CLEAN;
      }),
    );

  keys
    .command('revoke')
    .description('revoke a key by its id; it stops working at once')
    .argument('<key_id>', 'id shown by create and list')
    .option(...DATA_OPTION)
    .option(...TABLE_OPTION)
    .exitOverride(usageExit)
    .action((keyId: string, flags: KeyFlags) =>
      runAction('keys revoke', async () => {
        const revoked = await (await storeOf(flags)).revoke(
          keyId,
          new Date().toISOString(),
          operator().key_id,
        );
        if (revoked) {
          process.stdout.write(`revoked ${keyId}\n`);
          return EXIT_CLEAN;
        }
        process.stderr.write(`audit-trail keys revoke: no key ${keyId}\n`);
        return EXIT_FAULTS;
      }),
    );
};
