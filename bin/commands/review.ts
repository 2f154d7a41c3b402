/**
 * `audit-trail review fairness`: a fairness review over the local data directory, put on the
 * record (report write-once in the archive, a `review` record, an alert line when a threshold
 * is crossed). Exit 0 when no alert was raised, 1 when one was, 2 when it could not run.
 */
import { join } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import {
  type AttributeSpec,
  DEFAULT_POSITIVE_DECISIONS,
  DEFAULT_POSITIVE_OUTCOMES,
  DEFAULT_PROTECTED_ATTRIBUTES,
  type FairnessOptions,
  parseAttribute,
} from '#core/fairness/options.ts';
import { renderMarkdown } from '#core/fairness/render-markdown.ts';
import { dataDirOf } from './dev.ts';
import { EXIT_CLEAN, EXIT_FAULTS, runAction, usageExit } from './exit.ts';

interface ReviewFlags {
  readonly from: Date;
  readonly to: Date;
  readonly useCase?: string;
  readonly attribute?: AttributeSpec[];
  readonly positiveDecision?: string[];
  readonly positiveOutcome?: string[];
  readonly minGroupSize?: number;
  readonly data?: string;
  readonly json?: boolean;
}

const parseDate = (text: string): Date => {
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) {
    throw new InvalidArgumentError(
      'expected a date or date-time, e.g. 2026-11-16 or 2026-11-16T00:00:00Z',
    );
  }
  return date;
};

const collect =
  <T>(parse: (text: string) => T) =>
  (text: string, previous: T[] | undefined): T[] => [...(previous ?? []), parse(text)];

const parseAttributeFlag = (text: string): AttributeSpec => {
  try {
    return parseAttribute(text);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
};

const parseCount = (text: string): number => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number ≥ 1');
  return n;
};

const runReview = async (flags: ReviewFlags): Promise<number> => {
  const [{ withDataDir }, { DataDirInUseError }, { createConsoleLog }] = await Promise.all([
    import('#handlers/wiring/dev-runtime.ts'),
    import('#adapters/local/data-dir-lock.ts'),
    import('#adapters/local/console-log.ts'),
  ]);
  const options: FairnessOptions = {
    from: flags.from,
    to: flags.to,
    ...(flags.useCase === undefined ? {} : { useCase: flags.useCase }),
    attributes: flags.attribute ?? DEFAULT_PROTECTED_ATTRIBUTES.map((path) => ({ path })),
    positiveDecisions: flags.positiveDecision ?? DEFAULT_POSITIVE_DECISIONS,
    positiveOutcomes: flags.positiveOutcome ?? DEFAULT_POSITIVE_OUTCOMES,
    ...(flags.minGroupSize === undefined ? {} : { minGroupSize: flags.minGroupSize }),
  };
  const { runFairnessReview } = await import('#core/fairness/run-review.ts');
  const { report, recorded, archive } = await withDataDir(
    dataDirOf(flags.data),
    createConsoleLog({ level: 'warn' }),
    async ({ review, paths }) => ({
      ...(await runFairnessReview(options, review)),
      archive: paths.archive,
    }),
  ).catch((error: unknown) => {
    if (!(error instanceof DataDirInUseError)) throw error;
    throw new DataDirInUseError(
      `${error.message}; stop \`audit-trail dev\` first (it runs this review itself every Monday)`,
    );
  });
  const files = {
    json: join(archive, recorded.keys.json),
    markdown: join(archive, recorded.keys.markdown),
    html: join(archive, recorded.keys.html),
  };
  if (flags.json) {
    process.stdout.write(
      `${JSON.stringify({ review: { ...recorded, files }, report }, null, 2)}\n`,
    );
  } else {
    process.stdout.write(renderMarkdown(report));
    process.stdout.write(
      `\nrecorded: ${recorded.chain} seq ${recorded.seq} (${recorded.event_id}${recorded.appended ? '' : ', already on the record'})\nreport: ${files.html}\n`,
    );
  }
  return report.alerts.length > 0 ? EXIT_FAULTS : EXIT_CLEAN;
};

/** `audit-trail review fairness …` */
export const registerReview = (program: Command): void => {
  const review = program.command('review').description('reviews put on the record');
  review
    .command('fairness')
    .description(
      'per-group selection and error rates with confidence intervals and a verdict per attribute',
    )
    .requiredOption('--from <date>', 'window start (inclusive), decision time', parseDate)
    .requiredOption('--to <date>', 'window end (exclusive)', parseDate)
    .option(
      '--use-case <name>',
      'only decisions of this use case (use_case, metadata.use_case or decision_type)',
    )
    .option(
      '--attribute <path>',
      'attribute to group by, repeatable; a path (inputs.age) or a bare name, with optional buckets: inputs.age:25,40,60 (default: the protected attributes)',
      collect(parseAttributeFlag),
    )
    .option(
      '--positive-decision <value>',
      `decision value that counts as positive, repeatable (default: ${DEFAULT_POSITIVE_DECISIONS.join(', ')})`,
      collect(String),
    )
    .option(
      '--positive-outcome <value>',
      `outcome value that counts as positive, repeatable (default: ${DEFAULT_POSITIVE_OUTCOMES.join(', ')})`,
      collect(String),
    )
    .option(
      '--min-group-size <n>',
      'groups smaller than this get no verdict (default 30)',
      parseCount,
    )
    .option(
      '--data <dir>',
      'data directory (env AUDIT_TRAIL_DATA, default ./.audit-trail); `dev` must not be running on it',
    )
    .option('--json', 'print the report and where it was recorded as JSON')
    .exitOverride(usageExit)
    .action((flags: ReviewFlags) => runAction('review fairness', () => runReview(flags)));
};
