import { verifyCommand } from '#core/report/evidence.ts';
import type { EvidenceApiDeps } from '#core/report/evidence-api.ts';
import { verifyArchive } from '#core/verify/verify-archive.ts';
import { systemClock } from '#ports/clock.ts';
import { archiveFromEnv } from './aws-deps.ts';
import { bodyKeysFromEnv } from './body-keys.ts';
import type { Env } from './config.ts';

/** The evidence route's deps: the S3 archive it reads and verifies (the same checks as
 * `audit-trail verify s3://…`, limited to the period's chains), and the body keys that
 * open layout v2 bodies for the use-case counts.
 * Env: ARCHIVE_BUCKET, ARCHIVE_PREFIX?, BODY_KEYS_TABLE. */
export const evidenceDepsFromEnv = (env: Env): EvidenceApiDeps => {
  const archive = archiveFromEnv(env);
  const bodyKeys = bodyKeysFromEnv(env);
  const location = `s3://${archive.bucket}${archive.prefix === '' ? '' : `/${archive.prefix.replace(/\/$/, '')}`}`;
  return {
    sources: {
      reader: archive,
      bodyKeys,
      verify: async (chains) => ({
        // Without the body keys, as the command an auditor reruns (the CLI opens body keys
        // from a directory only): hashes, links and checkpoints, sealed bodies unopened.
        report: await verifyArchive(archive, chains.size > 0 ? { chains } : {}),
        command: verifyCommand(location, chains),
      }),
    },
    archive: location,
    clock: systemClock,
  };
};
