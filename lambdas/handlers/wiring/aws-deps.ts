/**
 * Builds the core's dependencies from the environment, once per cold start (the
 * processor's, with the policy engine, are in processor-deps.ts).
 *
 *   LEDGER_TABLE            DynamoDB ledger table (required by every handler but the authorizer)
 *   LEDGER_CHAINS_INDEX     optional sparse GSI listing chains (else a filtered Scan)
 *   ARCHIVE_BUCKET          S3 Object Lock bucket of segments, checkpoints, quarantine
 *   ARCHIVE_PREFIX          optional key prefix inside the bucket
 *   ARCHIVE_RETENTION_DAYS  Object Lock COMPLIANCE retention of every archive object
 *   SIGNING_KEY_ID          KMS asymmetric key (ECC_NIST_EDWARDS25519) signing checkpoints
 *   LOG_NAME                checkpoint origin and signer key name
 *   WITNESSES               optional JSON `[{"url", "vkey"}]`: witnesses asked to cosign
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoLedger } from '#adapters/aws/dynamo-ledger.ts';
import { DynamoProofTiles } from '#adapters/aws/dynamo-proof-tiles.ts';
import { KmsSigner } from '#adapters/aws/kms-signer.ts';
import { powertoolsLog } from '#adapters/aws/powertools-log.ts';
import { S3Archive } from '#adapters/aws/s3-archive.ts';
import { httpWitness, parseWitnessConfig } from '#adapters/local/http-witness.ts';
import { logger } from '#handlers/observability/logger.ts';
import { tracer } from '#handlers/observability/tracer.ts';
import type { BodyStore } from '#ports/body-store.ts';
import { systemClock } from '#ports/clock.ts';
import type { CheckpointDeps } from '#ports/pipeline-deps.ts';
import { type Env, optional, positiveInt, required, retainFor } from './config.ts';

export const archiveFromEnv = (env: Env): S3Archive =>
  new S3Archive({
    client: tracer.captureAWSv3Client(new S3Client({})),
    bucket: required(env, 'ARCHIVE_BUCKET'),
    ...optionalProp('prefix', optional(env, 'ARCHIVE_PREFIX')),
  });

/** The ledger; `bodies` (the archive) takes bodies too large for an item (claim check). */
export const ledgerFromEnv = (env: Env, bodies?: BodyStore): DynamoLedger =>
  new DynamoLedger({
    client: tracer.captureAWSv3Client(new DynamoDBClient({})),
    table: required(env, 'LEDGER_TABLE'),
    ...optionalProp('chainsIndex', optional(env, 'LEDGER_CHAINS_INDEX')),
    ...optionalProp('bodyStore', bodies),
  });

/** The checkpointer's Merkle tiles and heads, kept in the ledger table (inclusion proofs). */
export const proofTilesFromEnv = (env: Env): DynamoProofTiles =>
  new DynamoProofTiles({
    client: tracer.captureAWSv3Client(new DynamoDBClient({})),
    table: required(env, 'LEDGER_TABLE'),
  });

export const checkpointDepsFromEnv = (env: Env): CheckpointDeps => {
  const logName = required(env, 'LOG_NAME');
  const witnesses = parseWitnessConfig(optional(env, 'WITNESSES') ?? '[]');
  return {
    ledger: ledgerFromEnv(env),
    archive: archiveFromEnv(env),
    signer: new KmsSigner({
      client: tracer.captureAWSv3Client(new KMSClient({})),
      keyId: required(env, 'SIGNING_KEY_ID'),
      keyName: logName,
    }),
    clock: systemClock,
    log: powertoolsLog(logger),
    logName,
    retainUntil: retainFor(positiveInt(env, 'ARCHIVE_RETENTION_DAYS')),
    witnesses: witnesses.map((w) => httpWitness(w.url, w.vkey)),
    proofTiles: proofTilesFromEnv(env),
  };
};

/** `{ [key]: value }` when value is defined, `{}` otherwise (exactOptionalPropertyTypes). */
export const optionalProp = <K extends string, V>(
  key: K,
  value: V | undefined,
): { [P in K]?: V } => (value === undefined ? {} : ({ [key]: value } as { [P in K]: V }));
