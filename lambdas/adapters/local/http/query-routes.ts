import { MAX_EVENT_BYTES } from '#core/events/limits.ts';
import { rawRequestOf } from '#core/query/access-log.ts';
import type { Caller, QueryDeps } from '#core/query/deps.ts';
import { getFairnessReport, listFairnessReports } from '#core/query/fairness-reports.ts';
import { getEvent } from '#core/query/get-event.ts';
import { publishedKeys } from '#core/query/published-keys.ts';
import { getReview, listReviews, postReview } from '#core/query/reviews.ts';
import { searchEvents, subjectEvents } from '#core/query/search-events.ts';
import type { Handler, RequestContext } from './handler.ts';
import { readJson } from './read-json.ts';

const callerOf = ({ principal, requestId }: RequestContext): Caller => {
  if (principal === undefined) throw new Error('read routes require auth');
  return { principal, requestId };
};

const rawOf = ({ req, query }: RequestContext) => {
  const header = req.headers['x-audit-reason'];
  return rawRequestOf(query.view, typeof header === 'string' ? header : undefined, query.reason);
};

const ok = (body: unknown, headers?: Readonly<Record<string, string>>) => ({
  status: 200,
  body,
  ...(headers === undefined ? {} : { headers }),
});

/** The read, search and review routes: thin wiring of the core functions. */
export const queryHandlers = (deps: QueryDeps) => {
  const getEventRoute: Handler = async (ctx) =>
    ok(await getEvent(callerOf(ctx), ctx.params.event_id ?? '', rawOf(ctx), deps));
  const searchRoute: Handler = async (ctx) =>
    ok(await searchEvents(callerOf(ctx), ctx.query, rawOf(ctx), deps));
  const subjectRoute: Handler = async (ctx) => {
    const userId = ctx.params.user_id ?? '';
    const answer = await subjectEvents(callerOf(ctx), userId, ctx.query, rawOf(ctx), deps);
    if (ctx.query.format !== 'export') return ok(answer);
    const file = `subject-${encodeURIComponent(userId)}.json`;
    return ok(answer, { 'content-disposition': `attachment; filename="${file}"` });
  };
  const listReviewsRoute: Handler = async (ctx) =>
    ok(await listReviews(callerOf(ctx), ctx.query, deps));
  const getReviewRoute: Handler = async (ctx) =>
    ok(await getReview(callerOf(ctx), ctx.params.event_id ?? '', deps));
  const postReviewRoute: Handler = async (ctx) => {
    const body = await readJson(ctx.req, MAX_EVENT_BYTES);
    const answer = await postReview(callerOf(ctx), ctx.params.event_id ?? '', body, deps);
    return { status: 201, body: answer };
  };
  const keysRoute: Handler = async () => ok(await publishedKeys(deps));
  const listReportsRoute: Handler = async (ctx) =>
    ok(await listFairnessReports(callerOf(ctx).principal, ctx.query, deps));
  const getReportRoute: Handler = async (ctx) =>
    ok(await getFairnessReport(callerOf(ctx).principal, ctx.params.report_id ?? '', deps));
  return {
    keysRoute,
    listReportsRoute,
    getReportRoute,
    getEventRoute,
    searchRoute,
    subjectRoute,
    listReviewsRoute,
    getReviewRoute,
    postReviewRoute,
  };
};
