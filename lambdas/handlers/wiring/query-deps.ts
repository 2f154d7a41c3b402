import type { QueryDeps } from '#core/query/deps.ts';
import { openingLedger } from '#core/retention/opening-ledger.ts';
import { systemClock } from '#ports/clock.ts';
import { archiveFromEnv, ledgerFromEnv } from './aws-deps.ts';
import { bodyKeysFromEnv } from './body-keys.ts';
import { type Env, positiveInt, retainFor } from './config.ts';

/** What the read and review route Lambdas need, read once at cold start: the ledger (with
 * its search indexes) and the archive the records the product writes (access, review) are
 * archived to. Reads open layout v2 bodies while their keys exist (opening-ledger.ts).
 * Env: LEDGER_TABLE, ARCHIVE_BUCKET, ARCHIVE_RETENTION_DAYS, BODY_KEYS_TABLE. */
export const queryDepsFromEnv = (env: Env): QueryDeps => {
  const archive = archiveFromEnv(env);
  return {
    ledger: openingLedger(ledgerFromEnv(env, archive), bodyKeysFromEnv(env)),
    archive,
    clock: systemClock,
    retainUntil: retainFor(positiveInt(env, 'ARCHIVE_RETENTION_DAYS')),
  };
};
