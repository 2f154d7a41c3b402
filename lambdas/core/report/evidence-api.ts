/**
 * `GET /v1/reports/evidence?from=&to=&use_case=&chain=&format=json|html`: the evidence
 * package for a period, built by the same code as `audit-trail report evidence`
 * (buildEvidence), answered as JSON or as the standalone HTML page.
 */
import { ALL_CHAINS, DEFAULT_TENANT, type Principal } from '#core/access/roles.ts';
import type { ApiAnswer } from '#core/api/answer.ts';
import type { RouteAnswer } from '#core/api/route-input.ts';
import type { Problem } from '#core/events/problem.ts';
import { badQuery, forbidden } from '#core/query/errors.ts';
import { chainVisible } from '#core/query/scope.ts';
import { buildEvidence, type EvidenceQuery, type EvidenceSources } from './evidence.ts';
import { evidenceHtml } from './evidence-html.ts';

export interface EvidenceApiDeps {
  readonly sources: EvidenceSources;
  /** The archive as the package names it (and the verify command line reads it). */
  readonly archive: string;
  readonly clock: { now(): Date };
}

const instant = (
  params: Readonly<Record<string, string | undefined>>,
  name: string,
  problems: Problem[],
): string => {
  const text = params[name];
  const time = text === undefined ? Number.NaN : Date.parse(text);
  if (Number.isNaN(time)) {
    problems.push({
      path: name,
      message: text === undefined ? `${name} is required` : `${name} is not a date`,
      expected: 'ISO 8601 date or time',
    });
    return '';
  }
  return new Date(time).toISOString();
};

/** The query of a request; a 400 listing every problem. */
const evidenceQueryOf = (
  params: Readonly<Record<string, string | undefined>>,
): { query: EvidenceQuery; format: 'json' | 'html' } => {
  const problems: Problem[] = [];
  const from = instant(params, 'from', problems);
  const to = instant(params, 'to', problems);
  if (problems.length === 0 && from >= to) {
    problems.push({ path: 'to', message: 'to must be after from' });
  }
  const format = params.format ?? 'json';
  if (format !== 'json' && format !== 'html') {
    problems.push({ path: 'format', message: 'unknown format', expected: 'json or html' });
  }
  if (problems.length > 0) throw badQuery(problems);
  return {
    query: {
      from,
      to,
      ...(params.use_case === undefined ? {} : { useCase: params.use_case }),
      ...(params.chain === undefined ? {} : { chain: params.chain }),
    },
    format: format as 'json' | 'html',
  };
};

/** A key that sees every chain may ask for the whole archive; any other names a chain of
 * its own (the package counts, and verifies, what it asks for). */
const checkScope = (principal: Principal | undefined, chain: string | undefined): void => {
  if (principal === undefined) return;
  const all = principal.tenant === DEFAULT_TENANT && principal.chains.includes(ALL_CHAINS);
  if (chain === undefined ? all : chainVisible(principal, chain)) return;
  throw forbidden(
    chain === undefined
      ? 'this key sees only some chains: name one of them in chain'
      : `chain ${chain} is outside this key's chains`,
  );
};

const answerEvidence = async (
  params: Readonly<Record<string, string | undefined>>,
  principal: Principal | undefined,
  deps: EvidenceApiDeps,
): Promise<ApiAnswer> => {
  const { query, format } = evidenceQueryOf(params);
  checkScope(principal, query.chain);
  const evidence = await buildEvidence(deps.sources, query, {
    archive: deps.archive,
    now: deps.clock.now(),
  });
  if (format === 'json') return { status: 200, body: evidence };
  return {
    status: 200,
    body: new TextEncoder().encode(evidenceHtml(evidence)),
    headers: { 'content-type': 'text/html; charset=utf-8' },
  };
};

/** `GET /v1/reports/evidence` as a route answer (permission `audit_reports`), for both
 * runtimes. */
export const evidenceRouteAnswers = (deps: EvidenceApiDeps) => ({
  evidence_report: (async (input) =>
    answerEvidence(input.query, input.principal, deps)) satisfies RouteAnswer,
});
