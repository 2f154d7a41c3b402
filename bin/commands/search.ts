/**
 * `audit-trail search reindex --table <ledger table>`: gives the records of a deployed
 * ledger the search terms and index keys an append gives them now (records written before
 * the search indexes existed, or before a change of what is indexed). Pages each chain by
 * Query, prints progress with a cursor to resume from, and rewrites only what differs, so a
 * second run writes nothing. AWS credentials and region from the environment.
 */
import type { Command } from 'commander';
import { reindex } from '#core/search/reindex.ts';
import { EXIT_CLEAN, runAction, usageExit } from './exit.ts';

interface ReindexFlags {
  readonly table: string;
  readonly chainsIndex?: string;
  readonly cursor?: string;
  readonly pageSize: string;
}

/** `audit-trail search`. */
export const registerSearch = (program: Command): void => {
  const search = program.command('search').description('maintain the search indexes on AWS');
  search
    .command('reindex')
    .description('re-index stored records for search (paged, resumable, idempotent)')
    .requiredOption('--table <name>', 'the DynamoDB ledger table')
    .option('--chains-index <name>', 'the sparse GSI listing chains (else a filtered Scan)')
    .option('--cursor <cursor>', 'resume where a previous run stopped (it prints the cursor)')
    .option('--page-size <n>', 'records per Query page', '200')
    .exitOverride(usageExit)
    .action((flags: ReindexFlags) =>
      runAction('search reindex', async () => {
        const [{ DynamoDBClient }, { DynamoSearchReindex }] = await Promise.all([
          import('@aws-sdk/client-dynamodb'),
          import('#adapters/aws/dynamo-search-reindex.ts'),
        ]);
        const pageSize = Number(flags.pageSize);
        if (!Number.isSafeInteger(pageSize) || pageSize < 1 || pageSize > 1000)
          throw new Error('--page-size must be 1..1000');
        const port = new DynamoSearchReindex({
          client: new DynamoDBClient({}),
          table: flags.table,
          ...(flags.chainsIndex === undefined ? {} : { chainsIndex: flags.chainsIndex }),
        });
        const totals = await reindex(port, {
          ...(flags.cursor === undefined ? {} : { cursor: flags.cursor }),
          pageSize,
          onProgress: (p) =>
            process.stderr.write(
              `${p.chain}: ${p.scanned} scanned, ${p.rewritten} rewritten; resume with --cursor ${p.cursor}\n`,
            ),
        });
        process.stdout.write(
          `reindexed ${totals.chains} chains: ${totals.scanned} records scanned, ${totals.rewritten} rewritten\n`,
        );
        return EXIT_CLEAN;
      }),
    );
};
