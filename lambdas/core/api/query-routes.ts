import { MAX_EVENT_BYTES } from '#core/events/limits.ts';
import { rawRequestOf } from '#core/query/access-log.ts';
import type { Caller, QueryDeps } from '#core/query/deps.ts';
import { getFairnessReport, listFairnessReports } from '#core/query/fairness-reports.ts';
import { getEvent } from '#core/query/get-event.ts';
import { publishedKeys } from '#core/query/published-keys.ts';
import { getReview, listReviews, postReview } from '#core/query/reviews.ts';
import { searchEvents, subjectEvents } from '#core/query/search-events.ts';
import type { ApiAnswer } from './answer.ts';
import { jsonBody, type RouteAnswer, type RouteInput } from './route-input.ts';
import type { RouteName } from './routes.ts';

/** The read, search and review routes need a principal (their route table says auth). */
const callerOf = ({ principal, requestId }: RouteInput): Caller => {
  if (principal === undefined) throw new Error('read routes require auth');
  return { principal, requestId };
};

const rawOf = ({ headers, query }: RouteInput) => {
  const header = headers['x-audit-reason'];
  return rawRequestOf(query.view, typeof header === 'string' ? header : undefined, query.reason);
};

const ok = (body: unknown, headers?: Readonly<Record<string, string>>): ApiAnswer => ({
  status: 200,
  body,
  ...(headers === undefined ? {} : { headers }),
});

/** The names of the read, search and review routes. */
export type QueryRouteName =
  | 'get_event'
  | 'search_events'
  | 'subject_events'
  | 'list_reviews'
  | 'get_review'
  | 'post_review'
  | 'published_keys'
  | 'list_fairness_reports'
  | 'get_fairness_report';

/** The read, search and review routes over the core functions, for both runtimes. */
export const queryRouteAnswers = (
  deps: QueryDeps,
): Record<QueryRouteName, RouteAnswer> & Partial<Record<RouteName, RouteAnswer>> => ({
  get_event: async (input) =>
    ok(await getEvent(callerOf(input), input.params.event_id ?? '', rawOf(input), deps)),
  search_events: async (input) =>
    ok(await searchEvents(callerOf(input), input.query, rawOf(input), deps)),
  subject_events: async (input) => {
    const userId = input.params.user_id ?? '';
    const answer = await subjectEvents(callerOf(input), userId, input.query, rawOf(input), deps);
    if (input.query.format !== 'export') return ok(answer);
    const file = `subject-${encodeURIComponent(userId)}.json`;
    return ok(answer, { 'content-disposition': `attachment; filename="${file}"` });
  },
  list_reviews: async (input) => ok(await listReviews(callerOf(input), input.query, deps)),
  get_review: async (input) =>
    ok(await getReview(callerOf(input), input.params.event_id ?? '', deps)),
  post_review: async (input) => {
    const body = await jsonBody(input, MAX_EVENT_BYTES);
    const answer = await postReview(callerOf(input), input.params.event_id ?? '', body, deps);
    return { status: 201, body: answer };
  },
  published_keys: async () => ok(await publishedKeys(deps)),
  list_fairness_reports: async (input) =>
    ok(await listFairnessReports(callerOf(input).principal, input.query, deps)),
  get_fairness_report: async (input) =>
    ok(await getFairnessReport(callerOf(input).principal, input.params.report_id ?? '', deps)),
});
