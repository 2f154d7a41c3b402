/**
 * `audit-trail keys create|list|revoke`: API keys with a role, a tenant and chain scopes,
 * kept as digests in `<data>/access-keys.json` (a running `audit-trail dev` picks changes
 * up on its next request, and records them on the admin chain). A created key is printed
 * once and never stored. With `--table` (AWS), create and revoke also append the key's
 * admin records to the stack's admin chain at once (`--ledger-table`, `--archive`).
 */
import type { Command } from 'commander';
import { openFileKeyStore } from '#adapters/local/file-key-store.ts';
import { createKey } from '#core/access/keys.ts';
import { isRole, ROLES } from '#core/access/roles.ts';
import { recordKeyChanges } from '#core/admin/key-events.ts';
import { AuditTrailError } from '#core/errors.ts';
import type { RecordWriterDeps } from '#core/pipeline/append-records.ts';
import { devPaths } from '#handlers/wiring/dev-runtime.ts';
import { systemClock } from '#ports/clock.ts';
import type { KeyStore } from '#ports/key-store.ts';
import { operator } from './admin-deps.ts';
import { dataDirOf } from './dev.ts';
import { EXIT_CLEAN, EXIT_FAULTS, EXIT_USAGE, runAction, usageExit } from './exit.ts';

interface KeyFlags {
  readonly data?: string;
  readonly table?: string;
  readonly ledgerTable?: string;
  readonly archive?: string;
  readonly endpointUrl?: string;
  readonly region?: string;
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

/** With `--table`: where the admin chain is (the stack's ledger table and archive). */
const adminChainOf = async (flags: KeyFlags): Promise<RecordWriterDeps | undefined> => {
  if (flags.table === undefined) return undefined;
  if (flags.ledgerTable === undefined || flags.archive?.startsWith('s3://') !== true) {
    throw new KeysUsageError(
      'with --table, give --ledger-table <LedgerTableName> and --archive s3://<ArchiveBucketName> (stack outputs): key changes are admin records',
    );
  }
  const [{ DynamoDBClient }, { DynamoLedger }, { openS3ArchiveReader }] = await Promise.all([
    import('@aws-sdk/client-dynamodb'),
    import('#adapters/aws/dynamo-ledger.ts'),
    import('#adapters/aws/s3-location.ts'),
  ]);
  const archive = openS3ArchiveReader(flags.archive, {
    ...(flags.endpointUrl === undefined ? {} : { endpointUrl: flags.endpointUrl }),
    ...(flags.region === undefined ? {} : { region: flags.region }),
  });
  return {
    ledger: new DynamoLedger({ client: new DynamoDBClient({}), table: flags.ledgerTable }),
    archive,
    clock: systemClock,
  };
};

/** Appends the admin records of every key change the admin chain lacks (this one, and any
 * made before without them): idempotent by event id. */
const recordOnAdminChain = async (store: KeyStore, writer: RecordWriterDeps | undefined) => {
  if (writer === undefined) return;
  const appended = await recordKeyChanges(await store.list(), writer);
  process.stderr.write(`${appended} admin record(s) appended to the admin chain\n`);
};

/** `--table` without where the admin chain is. */
class KeysUsageError extends AuditTrailError {
  readonly code = 'keys_usage';
  override readonly name = 'KeysUsageError';
}

const ADMIN_CHAIN_OPTIONS = [
  ['--ledger-table <name>', 'with --table: the ledger table (stack output LedgerTableName)'],
  ['--archive <s3://bucket>', 'with --table: the archive (s3://<ArchiveBucketName>)'],
  ['--endpoint-url <url>', 'S3-compatible endpoint of the archive'],
  ['--region <region>', 'AWS region of the archive (default: AWS_REGION)'],
] as const;

const TABLE_OPTION = [
  '--table <name>',
  'a DynamoDB key table instead of the local key file',
] as const;

const DATA_OPTION = [
  '--data <dir>',
  'data directory (env AUDIT_TRAIL_DATA, default ./.audit-trail)',
] as const;

const USAGE = Symbol('usage');

/** Runs `check`; a KeysUsageError is printed and answered USAGE. */
const usage = async <T>(command: string, check: () => Promise<T>): Promise<T | typeof USAGE> => {
  try {
    return await check();
  } catch (error) {
    if (!(error instanceof KeysUsageError)) throw error;
    process.stderr.write(`audit-trail ${command}: ${error.message}\n`);
    return USAGE;
  }
};

/** `audit-trail keys`. */
export const registerKeys = (program: Command): void => {
  const keys = program.command('keys').description('create, list and revoke API keys');

  const create = keys
    .command('create')
    .description('create a key; it is printed once and only its digest is kept')
    .requiredOption('--role <role>', `one of ${Object.keys(ROLES).join(', ')}`)
    .option('--chains <prefixes>', 'comma-separated chain-key prefixes the key may touch', '*')
    .option('--tenant <tenant>', 'tenant of the key', 'default')
    .option(...DATA_OPTION)
    .option(...TABLE_OPTION);
  for (const [flags, description] of ADMIN_CHAIN_OPTIONS) create.option(flags, description);
  create
    .exitOverride(usageExit)
    .action((flags: KeyFlags & { role: string; chains: string; tenant: string }) =>
      runAction('keys create', async () => {
        if (!isRole(flags.role)) {
          process.stderr.write(
            `audit-trail keys create: --role must be one of ${Object.keys(ROLES).join(', ')}\n`,
          );
          return EXIT_USAGE;
        }
        const writer = await usage('keys create', () => adminChainOf(flags));
        if (writer === USAGE) return EXIT_USAGE;
        const chains = flags.chains.split(',').map((c) => c.trim());
        const store = await storeOf(flags);
        const { key, stored } = await createKey(
          { role: flags.role, chains, tenant: flags.tenant, created_by: operator().key_id },
          store,
          new Date(),
        );
        await recordOnAdminChain(store, writer);
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

  const revoke = keys
    .command('revoke')
    .description('revoke a key by its id; it stops working at once')
    .argument('<key_id>', 'id shown by create and list')
    .option(...DATA_OPTION)
    .option(...TABLE_OPTION);
  for (const [flags, description] of ADMIN_CHAIN_OPTIONS) revoke.option(flags, description);
  revoke.exitOverride(usageExit).action((keyId: string, flags: KeyFlags) =>
    runAction('keys revoke', async () => {
      const writer = await usage('keys revoke', () => adminChainOf(flags));
      if (writer === USAGE) return EXIT_USAGE;
      const store = await storeOf(flags);
      const revoked = await store.revoke(keyId, new Date().toISOString(), operator().key_id);
      if (revoked) {
        await recordOnAdminChain(store, writer);
        process.stdout.write(`revoked ${keyId}\n`);
        return EXIT_CLEAN;
      }
      process.stderr.write(`audit-trail keys revoke: no key ${keyId}\n`);
      return EXIT_FAULTS;
    }),
  );
};
