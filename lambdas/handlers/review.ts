/** The review route (permission `review`): `POST /v1/reviews/{event_id}` appends a `review`
 * record on the reviewed event's chain, sealed under that event's subject (so an erasure
 * reaches the reviewer's note). Env: see wiring/query-deps.ts, plus BODY_KEYS_TABLE and
 * RETENTION_RULES (wiring/body-keys.ts). */
import { queryRouteAnswers } from '#core/api/query-routes.ts';
import { createBodySealer } from '#core/retention/body-sealer.ts';
import {
  bodyKeysFromEnv,
  retentionRulesFromEnv,
  retryingOnce,
} from '#handlers/wiring/body-keys.ts';
import { queryDepsFromEnv } from '#handlers/wiring/query-deps.ts';
import { routeHandler } from '#handlers/wiring/route-handler.ts';

const deps = queryDepsFromEnv(process.env);
const keys = bodyKeysFromEnv(process.env);
const rules = retentionRulesFromEnv(process.env);
// The sealer reads its key material on first use; a failed read is retried by the next call.
const answers = retryingOnce(async () =>
  queryRouteAnswers({ ...deps, sealer: await createBodySealer(rules, keys) }),
);

export const handler = routeHandler({
  post_review: async (input) => (await answers()).post_review(input),
});
