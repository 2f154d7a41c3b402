import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoBodyKeys } from '#adapters/aws/dynamo-body-keys.ts';
import { powertoolsLog } from '#adapters/aws/powertools-log.ts';
import { followGovernance } from '#core/retention/governance.ts';
import type { PurgeDeps } from '#core/retention/purge.ts';
import { logger } from '#handlers/observability/logger.ts';
import { tracer } from '#handlers/observability/tracer.ts';
import { systemClock } from '#ports/clock.ts';
import { archiveFromEnv, ledgerFromEnv } from './aws-deps.ts';
import { type Env, positiveInt, required, retainFor } from './config.ts';
import { objectHoldsOf } from './governance-deps.ts';

/** The purge's dependencies: ledger, archive, the body-key table (BODY_KEYS_TABLE), and
 * S3 Object Lock legal holds on the archive objects active legal holds cover. */
export const purgeDepsFromEnv = (env: Env): PurgeDeps => {
  const archive = archiveFromEnv(env);
  const ledger = ledgerFromEnv(env, archive);
  return {
    objectHolds: objectHoldsOf(archive),
    ledger,
    // A warm instance reads only the governance records appended since its last step.
    governanceState: followGovernance(ledger),
    archive,
    keys: new DynamoBodyKeys({
      client: tracer.captureAWSv3Client(new DynamoDBClient({})),
      table: required(env, 'BODY_KEYS_TABLE'),
    }),
    clock: systemClock,
    log: powertoolsLog(logger),
    retainUntil: retainFor(positiveInt(env, 'ARCHIVE_RETENTION_DAYS')),
  };
};
