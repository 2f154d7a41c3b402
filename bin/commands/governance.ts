/**
 * `audit-trail purge | hold | erase`: the retention and erasure steps on a local data
 * directory, in-process (the same core functions the routes and the AWS workflow run).
 * They take the data directory's lock: while `audit-trail dev` runs, use its HTTP routes.
 */
import { type Command, InvalidArgumentError } from 'commander';
import type { PurgeReport } from '#core/retention/purge.ts';
import type { AdminSession } from '#handlers/wiring/admin-session.ts';
import { operator } from './admin-deps.ts';
import { dataDirOf } from './dev.ts';
import { EXIT_CLEAN, EXIT_FAULTS, runAction, usageExit } from './exit.ts';

const parseIso = (text: string): Date => {
  const at = new Date(text);
  if (Number.isNaN(at.getTime())) throw new InvalidArgumentError('expected an ISO 8601 time');
  return at;
};

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

const withSession = async <T>(
  data: string | undefined,
  now: Date | undefined,
  work: (session: AdminSession) => Promise<T>,
): Promise<T> => {
  const { openAdminSession } = await import('#handlers/wiring/admin-session.ts');
  const clock = now === undefined ? undefined : { now: () => now };
  const session = await openAdminSession(dataDirOf(data), clock ? { clock } : {});
  try {
    return await work(session);
  } finally {
    await session.close();
  }
};

const print = (value: unknown): void => {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
};

/** The human purge summary. */
const purgeText = (r: PurgeReport): string => {
  const lines = [
    `${r.dry_run ? 'dry run: would purge' : 'purged'} ${r.purged} bodies (run ${r.run_id}, at ${r.at})`,
  ];
  for (const c of r.chains) {
    const ranges = c.ranges.map(([a, b]) => (a === b ? `${a}` : `${a}..${b}`)).join(', ');
    const receipt = c.receipt ? `; receipt: purge record seq ${c.receipt.seq}` : '';
    lines.push(`  ${c.chain}: ${c.count} (${ranges}) for ${c.reasons.join(', ')}${receipt}`);
  }
  for (const [hold, n] of Object.entries(r.held)) lines.push(`  kept by legal hold ${hold}: ${n}`);
  for (const [id, c] of Object.entries(r.requests)) {
    lines.push(`  erasure request ${id}: ${c.erased} erased, ${c.held} kept by holds`);
  }
  if (r.legacy_bodies > 0)
    lines.push(`  layout v1 bodies that cannot be purged: ${r.legacy_bodies}`);
  if (!r.dry_run) lines.push(`  keys destroyed: ${r.keys_destroyed}`);
  return `${lines.join('\n')}\n`;
};

interface CommonFlags {
  readonly data?: string;
  readonly now?: Date;
  readonly json?: boolean;
}

export const registerGovernance = (program: Command): void => {
  program
    .command('purge')
    .description(
      'make bodies past their retention or named by erasure requests unreadable; write receipts',
    )
    .option('--data <dir>', 'data directory (env AUDIT_TRAIL_DATA, default ./.audit-trail)')
    .option('--dry-run', 'only report what would be purged')
    .option('--now <iso>', 'the time to purge as of (default: now)', parseIso)
    .option('--json', 'print the report as JSON')
    .exitOverride(usageExit)
    .action((flags: CommonFlags & { dryRun?: boolean }) =>
      runAction('purge', async () => {
        const report = await withSession(flags.data, flags.now, (s) =>
          s.purge({ ...(flags.now ? { now: flags.now } : {}), dryRun: flags.dryRun === true }),
        );
        if (flags.json) print(report);
        else process.stdout.write(purgeText(report));
        return EXIT_CLEAN;
      }),
    );

  const hold = program.command('hold').description('legal holds: add, list, release');
  hold
    .command('add')
    .description('place a legal hold: held bodies survive purges and erasures')
    .requiredOption('--case-id <id>', 'the legal case the hold is for')
    .requiredOption('--reason <text>', 'why')
    .option('--chain <chain>', 'hold one chain')
    .option('--event-id <id>', 'hold this event (repeatable)', collect)
    .option('--user-id <id>', "hold one user's bodies")
    .option('--from <iso>', 'hold records ingested from this time')
    .option('--to <iso>', 'hold records ingested until this time')
    .option('--data <dir>', 'data directory')
    .exitOverride(usageExit)
    .action(
      (flags: {
        caseId: string;
        reason: string;
        chain?: string;
        eventId?: string[];
        userId?: string;
        from?: string;
        to?: string;
        data?: string;
      }) =>
        runAction('hold', async () => {
          const { createHold, parseHoldInput } = await import('#core/retention/governance.ts');
          const input = parseHoldInput({
            case_id: flags.caseId,
            reason: flags.reason,
            scope: {
              ...(flags.chain === undefined ? {} : { chain: flags.chain }),
              ...(flags.eventId === undefined ? {} : { event_ids: flags.eventId }),
              ...(flags.userId === undefined ? {} : { user_id: flags.userId }),
              ...(flags.from === undefined ? {} : { from: flags.from }),
              ...(flags.to === undefined ? {} : { to: flags.to }),
            },
          });
          print(
            await withSession(flags.data, undefined, (s) =>
              createHold(input, s.governance, operator()),
            ),
          );
          return EXIT_CLEAN;
        }),
    );
  hold
    .command('list')
    .description('list legal holds (active and released)')
    .option('--data <dir>', 'data directory')
    .action((flags: { data?: string }) =>
      runAction('hold', async () => {
        const { readGovernance } = await import('#core/retention/governance.ts');
        const state = await withSession(flags.data, undefined, (s) =>
          readGovernance(s.governance.ledger),
        );
        print({ holds: [...state.holds.values()] });
        return EXIT_CLEAN;
      }),
    );
  hold
    .command('release')
    .description('release a legal hold (recorded)')
    .argument('<hold_id>')
    .option('--data <dir>', 'data directory')
    .action((holdId: string, flags: { data?: string }) =>
      runAction('hold', async () => {
        const { releaseHold } = await import('#core/retention/governance.ts');
        const released = await withSession(flags.data, undefined, (s) =>
          releaseHold(holdId, s.governance, operator()),
        );
        if (released === undefined) {
          process.stderr.write(`audit-trail hold: no legal hold ${holdId}\n`);
          return EXIT_FAULTS;
        }
        print(released);
        return EXIT_CLEAN;
      }),
    );

  program
    .command('erase')
    .description(
      "erase one user's bodies (or some events') now: an erasure request, then the purge",
    )
    .option('--user-id <id>', 'the data subject')
    .option('--event-id <id>', 'an event to erase (repeatable)', collect)
    .requiredOption('--reason <text>', 'why (e.g. GDPR Art. 17 request reference)')
    .option('--now <iso>', 'the time to purge as of (default: now)', parseIso)
    .option('--data <dir>', 'data directory')
    .option('--json', 'print the report as JSON')
    .exitOverride(usageExit)
    .action((flags: CommonFlags & { userId?: string; eventId?: string[]; reason: string }) =>
      runAction('erase', async () => {
        const { erasureStatus, parseErasureInput, readGovernance, requestErasure } = await import(
          '#core/retention/governance.ts'
        );
        const input = parseErasureInput({
          reason: flags.reason,
          ...(flags.userId === undefined ? {} : { user_id: flags.userId }),
          ...(flags.eventId === undefined ? {} : { event_ids: flags.eventId }),
        });
        const status = await withSession(flags.data, flags.now, async (s) => {
          const request = await requestErasure(input, s.governance, operator());
          await s.purge(flags.now ? { now: flags.now } : {});
          return erasureStatus(await readGovernance(s.governance.ledger), request.request_id);
        });
        print(status);
        return EXIT_CLEAN;
      }),
    );
};
