import { qualify } from '#core/access/tenant.ts';
import { RECORD_KINDS } from '#core/chain/record.ts';
import type { Problem } from '#core/events/problem.ts';
import { chainTerms, TERM, term } from '#core/search/terms.ts';
import type { IndexQuery } from '#ports/record-search.ts';
import { badQuery } from './errors.ts';

/** Query parameters as the runtimes hand them over: the first value of each. */
export type QueryParams = Readonly<Record<string, string | undefined>>;

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;

/** Filters of `GET /v1/events`, each an index term. */
const TERM_PARAMS = {
  user_id: TERM.user,
  session_id: TERM.session,
  transaction_id: TERM.transaction,
  kind: TERM.kind,
  decision: TERM.decision,
  policy_decision: TERM.policyDecision,
  use_case: TERM.useCase,
} as const;

/** Parameters every list route takes besides its filters. */
const COMMON = ['cursor', 'limit', 'view', 'reason'];

const time = (name: string, text: string | undefined, problems: Problem[]): number | undefined => {
  if (text === undefined) return undefined;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) {
    problems.push({ path: name, message: 'not a date-time', expected: 'ISO 8601', received: text });
  }
  return ms;
};

/** Refuses parameters a route does not know (a typo must not widen a search silently). */
export const checkKnown = (params: QueryParams, known: readonly string[]): Problem[] =>
  Object.keys(params)
    .filter((name) => !known.includes(name) && !COMMON.includes(name))
    .map((name) => ({ path: name, message: 'unknown parameter', expected: known.join(', ') }));

/** `limit` and `cursor`, checked. */
export const pageParams = (
  params: QueryParams,
  problems: Problem[],
): { limit: number; cursor?: string } => {
  const text = params.limit;
  const limit = text === undefined ? DEFAULT_LIMIT : Number(text);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    problems.push({
      path: 'limit',
      message: 'not a page size',
      expected: `an integer 1..${MAX_LIMIT}`,
      received: String(text),
    });
  }
  return { limit, ...(params.cursor === undefined ? {} : { cursor: params.cursor }) };
};

/** The index query of a search, in the caller's tenant (`tenantTerm`), or a 400 with every
 * problem. `chain` is a chain key of the caller's tenant (an application: all its lanes). */
export const searchQuery = (
  params: QueryParams,
  tenant: string,
  tenantTerm: string,
  fixed: Readonly<Record<string, string>> = {},
): Omit<IndexQuery, 'chainPrefixes'> & { chain?: string } => {
  const problems = checkKnown(params, [...Object.keys(TERM_PARAMS), 'chain', 'from', 'to']);
  const all = [tenantTerm];
  for (const [name, field] of Object.entries(TERM_PARAMS)) {
    const value = fixed[name] ?? params[name];
    if (value !== undefined && value !== '') all.push(term(field, value));
  }
  if (params.kind !== undefined && !(RECORD_KINDS as readonly string[]).includes(params.kind)) {
    problems.push({
      path: 'kind',
      message: 'unknown kind',
      expected: RECORD_KINDS.join(', '),
      received: params.kind,
    });
  }
  if (
    params.policy_decision !== undefined &&
    !['pass', 'flag', 'block'].includes(params.policy_decision)
  ) {
    problems.push({
      path: 'policy_decision',
      message: 'unknown decision',
      expected: 'pass, flag, block',
      received: params.policy_decision,
    });
  }
  const chain = params.chain === undefined ? undefined : qualify(tenant, params.chain);
  // An application's chain covers its lanes; a lane's is that lane alone (chainTerms).
  if (chain !== undefined) all.push(...chainTerms(chain));
  const fromMs = time('from', params.from, problems);
  const toMs = time('to', params.to, problems);
  const page = pageParams(params, problems);
  if (problems.length > 0) throw badQuery(problems);
  return {
    all,
    ...page,
    ...(fromMs === undefined ? {} : { fromMs }),
    ...(toMs === undefined ? {} : { toMs }),
    ...(params.chain === undefined ? {} : { chain: params.chain }),
  };
};
