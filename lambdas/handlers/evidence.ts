/** The evidence package (permission `audit_reports`): `GET /v1/reports/evidence` reads the
 * archive (opening layout v2 bodies with the body keys) and verifies the period's chains,
 * naming the `audit-trail verify s3://…` command that reproduces it. Env: ARCHIVE_BUCKET,
 * ARCHIVE_PREFIX?, BODY_KEYS_TABLE. */
import { evidenceRouteAnswers } from '#core/report/evidence-api.ts';
import { evidenceDepsFromEnv } from '#handlers/wiring/evidence-deps.ts';
import { routeHandler } from '#handlers/wiring/route-handler.ts';

export const handler = routeHandler(evidenceRouteAnswers(evidenceDepsFromEnv(process.env)));
