/**
 * The purge workflow's steps (Step Functions invokes this one function with `step`):
 *   plan:   what is due, as a dry run (the run id is derived from it) → chains for the Map
 *   chain:  the purge receipt of one chain (idempotent by event id)
 *   finish: the run itself: finds the receipts already written, escrows held keys, destroys
 *           keys, writes the summary
 * Env: LEDGER_TABLE, ARCHIVE_BUCKET, ARCHIVE_RETENTION_DAYS, BODY_KEYS_TABLE.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import { appendReceipt, type ChainPurge, runPurge } from '#core/retention/purge.ts';
import { logger } from '#handlers/observability/logger.ts';
import { tracer } from '#handlers/observability/tracer.ts';
import { purgeDepsFromEnv } from '#handlers/wiring/purge-deps.ts';

const deps = purgeDepsFromEnv(process.env);

export interface PurgeStepInput {
  readonly step: 'plan' | 'chain' | 'finish';
  /** ISO time the run purges as of (plan: default now). */
  readonly now?: string;
  readonly dry_run?: boolean;
  readonly run_id?: string;
  readonly item?: ChainPurge;
}

export const purgeStep = async (input: PurgeStepInput) => {
  const now = input.now === undefined ? deps.clock.now() : new Date(input.now);
  switch (input.step) {
    case 'plan': {
      const plan = await runPurge({ now, dryRun: true }, deps);
      return { ...plan, dry_run: input.dry_run === true, now: now.toISOString() };
    }
    case 'chain': {
      if (input.item === undefined || input.run_id === undefined)
        throw new Error('item and run_id');
      return appendReceipt(input.item, input.run_id, now, deps);
    }
    case 'finish': {
      const { chains: _chains, ...report } = await runPurge({ now }, deps);
      return report;
    }
  }
};

export const handler = middy(purgeStep)
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger));
