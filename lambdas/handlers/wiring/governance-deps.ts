/**
 * What the governance and change-governance route Lambdas need, from the environment:
 *
 *   LEDGER_TABLE, ARCHIVE_BUCKET, ARCHIVE_RETENTION_DAYS   the ledger and its archive
 *   BODY_KEYS_TABLE   the body-key table: the subject-hash secret (a hold or an erasure
 *                     names a user by subject id, never by user id)
 *   POLICY_VERSION    the version of the policy the stack deploys: the default
 *                     `policy_version` of a deployment (`unknown` when absent)
 *
 * The admin routes bring their view of the deployments, and the governance routes their
 * holds and erasure requests, up to date per request, reading the admin chain's head and
 * what was appended since: other Lambdas (and other instances of this one) append to it.
 */
import { S3Client } from '@aws-sdk/client-s3';
import type { S3Archive } from '#adapters/aws/s3-archive.ts';
import { S3ObjectHolds } from '#adapters/aws/s3-object-holds.ts';
import { followDeploymentView } from '#core/admin/deployments.ts';
import type { AdminRouteDeps } from '#core/api/admin-routes.ts';
import type { RecordWriterDeps } from '#core/pipeline/append-records.ts';
import { followGovernance } from '#core/retention/governance.ts';
import type { GovernanceApiDeps } from '#core/retention/governance-api.ts';
import { SUBJECT_ID_KEY, subjectIds } from '#core/retention/subjects.ts';
import { tracer } from '#handlers/observability/tracer.ts';
import { systemClock } from '#ports/clock.ts';
import { archiveFromEnv, ledgerFromEnv } from './aws-deps.ts';
import { bodyKeysFromEnv, retryingOnce } from './body-keys.ts';
import { type Env, optional, positiveInt, retainFor } from './config.ts';

/** S3 Object Lock legal holds on the archive's objects (the purge and the hold routes). */
export const objectHoldsOf = (archive: S3Archive): S3ObjectHolds =>
  new S3ObjectHolds({
    client: tracer.captureAWSv3Client(new S3Client({})),
    bucket: archive.bucket,
    prefix: archive.prefix,
  });

/** The writer of admin-chain records: ledger, archive, clock, Object Lock retention. */
const adminWriterFromEnv = (env: Env): RecordWriterDeps & { archive: S3Archive } => {
  const archive = archiveFromEnv(env);
  return {
    ledger: ledgerFromEnv(env, archive),
    archive,
    clock: systemClock,
    retainUntil: retainFor(positiveInt(env, 'ARCHIVE_RETENTION_DAYS')),
  };
};

/** Legal holds (with S3 Object Lock legal holds on what they cover) and erasure requests.
 * The subject secret is read on first use; a failed read is retried by the next call. */
export const governanceDepsFromEnv = (env: Env): (() => Promise<GovernanceApiDeps>) => {
  const writer = adminWriterFromEnv(env);
  const keys = bodyKeysFromEnv(env);
  const objectHolds = objectHoldsOf(writer.archive);
  const governanceState = followGovernance(writer.ledger);
  return retryingOnce(async () => {
    const secret = (await keys.ensure([SUBJECT_ID_KEY])).get(SUBJECT_ID_KEY) as Uint8Array;
    return { ...writer, subjects: subjectIds(secret), objectHolds, governanceState };
  });
};

/** Deployments, approvals, assessments and the admin chain's listing; `writer` when the
 * Lambda has the ledger and archive already (the read Lambda's query deps). */
export const adminDepsFromEnv = (
  env: Env,
  writer: RecordWriterDeps = adminWriterFromEnv(env),
): (() => Promise<AdminRouteDeps>) => {
  const policyVersion = optional(env, 'POLICY_VERSION') ?? 'unknown';
  const deployments = followDeploymentView(writer.ledger);
  return async () => ({ ...writer, deployments: await deployments(), policyVersion });
};
