import type { QueryDeps } from '#core/query/deps.ts';
import { openingLedger } from '#core/retention/opening-ledger.ts';
import { proveFromTiles } from '#core/verify/tile-proof.ts';
import { systemClock } from '#ports/clock.ts';
import { archiveFromEnv, ledgerFromEnv, proofTilesFromEnv } from './aws-deps.ts';
import { bodyKeysFromEnv } from './body-keys.ts';
import { type Env, positiveInt, retainFor } from './config.ts';

/** What the read and review route Lambdas need, read once at cold start: the ledger (with
 * its search indexes, and the Merkle tiles inclusion proofs are read from) and the archive the records the product writes (access, review) are
 * archived to. Reads open layout v2 bodies while their keys exist (opening-ledger.ts).
 * Env: LEDGER_TABLE, ARCHIVE_BUCKET, ARCHIVE_RETENTION_DAYS, BODY_KEYS_TABLE. */
export const queryDepsFromEnv = (env: Env): QueryDeps => {
  const archive = archiveFromEnv(env);
  const tiles = proofTilesFromEnv(env);
  return {
    ledger: openingLedger(ledgerFromEnv(env, archive), bodyKeysFromEnv(env)),
    archive,
    clock: systemClock,
    retainUntil: retainFor(positiveInt(env, 'ARCHIVE_RETENTION_DAYS')),
    // Inclusion proofs from the checkpointer's tiles: a head and O(log n) items per proof.
    prove: (record) => proveFromTiles(record, tiles),
  };
};
