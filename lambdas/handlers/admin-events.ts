/** The admin chain for auditors and admins (permission `read_admin`): `GET
 * /v1/admin-events` reads the admin chain; it writes nothing. Env: LEDGER_TABLE,
 * ARCHIVE_BUCKET, ARCHIVE_RETENTION_DAYS. */
import { adminRouteAnswers } from '#core/api/admin-routes.ts';
import { adminDepsFromEnv } from '#handlers/wiring/governance-deps.ts';
import { routeHandler } from '#handlers/wiring/route-handler.ts';

const answers = adminRouteAnswers(adminDepsFromEnv(process.env));

export const handler = routeHandler({ list_admin_events: answers.list_admin_events });
