import type { Principal } from '#core/access/roles.ts';
import { FAIRNESS_REVIEW_CHAIN } from '#core/fairness/record-review.ts';
import type { FairnessReport } from '#core/fairness/report.ts';
import type { ArchivePort } from '#ports/archive.ts';
import { badQuery, notFound } from './errors.ts';
import { chainVisible } from './scope.ts';
import { checkKnown, pageParams, type QueryParams } from './search-params.ts';

type Reader = Pick<ArchivePort, 'list' | 'get'>;

/** Where fairness reports live in the archive (core/archive/layout.ts `fairnessReportKey`). */
const PREFIX = 'reviews/fairness/';
const JSON_KEY_RE = /^reviews\/fairness\/([^/]+)\/(\d{4}-\d{2}-\d{2})\/([0-9a-f]{64})\.json$/;
const ID_RE = /^[0-9a-f]{64}$/;

/** One report as the list shows it. */
export interface FairnessReportItem {
  /** The report's SHA-256: `GET /v1/reports/fairness/{report_id}`. */
  readonly report_id: string;
  readonly use_case: string | null;
  readonly window: FairnessReport['window'];
  readonly generated_at: string;
  readonly decisions: number;
  readonly verdicts: Readonly<Record<string, string>>;
}

const decoder = new TextDecoder();

/** Reports are written by the product's own review run over the default tenant's ledger:
 * readable by whoever may read the chain their review records go to. */
const checkVisible = (principal: Principal): void => {
  if (!chainVisible(principal, FAIRNESS_REVIEW_CHAIN)) throw notFound('fairness report');
};

const readReport = async (reader: Reader, key: string): Promise<FairnessReport | undefined> => {
  const bytes = await reader.get(key);
  return bytes === undefined ? undefined : (JSON.parse(decoder.decode(bytes)) as FairnessReport);
};

const itemOf = (id: string, report: FairnessReport): FairnessReportItem => ({
  report_id: id,
  use_case: report.use_case,
  window: report.window,
  generated_at: report.generated_at,
  decisions: report.decisions,
  verdicts: Object.fromEntries(report.attributes.map((a) => [a.attribute, a.verdict])),
});

/**
 * `GET /v1/reports/fairness?cursor=&limit=`: the reports the review run wrote, by use case
 * then date, a page at a time. Only the page's reports are read; the cursor is the last
 * archive key of the page.
 */
export const listFairnessReports = async (
  principal: Principal,
  params: QueryParams,
  deps: { readonly archive: Reader },
): Promise<{ reports: FairnessReportItem[]; next_cursor?: string }> => {
  const problems = checkKnown(params, []);
  const { limit, cursor } = pageParams(params, problems);
  const after = cursor === undefined ? undefined : Buffer.from(cursor, 'base64url').toString();
  if (after !== undefined && !JSON_KEY_RE.test(after)) {
    problems.push({ path: 'cursor', message: 'not a cursor this route handed out' });
  }
  if (problems.length > 0) throw badQuery(problems);
  checkVisible(principal);
  const keys: string[] = [];
  let more = false;
  for await (const key of deps.archive.list(PREFIX)) {
    if (!JSON_KEY_RE.test(key) || (after !== undefined && key <= after)) continue;
    if (keys.length === limit) {
      more = true;
      break;
    }
    keys.push(key);
  }
  const reports: FairnessReportItem[] = [];
  for (const key of keys) {
    const report = await readReport(deps.archive, key);
    const id = JSON_KEY_RE.exec(key)?.[3];
    if (report !== undefined && id !== undefined) reports.push(itemOf(id, report));
  }
  const last = keys.at(-1);
  return {
    reports,
    ...(more && last !== undefined ? { next_cursor: Buffer.from(last).toString('base64url') } : {}),
  };
};

/** `GET /v1/reports/fairness/{report_id}`: the report as JSON and its HTML rendering (the
 * charts), as the review run archived them. */
export const getFairnessReport = async (
  principal: Principal,
  reportId: string,
  deps: { readonly archive: Reader },
): Promise<{ item: FairnessReportItem; report: FairnessReport; html: string | null }> => {
  if (!ID_RE.test(reportId)) {
    throw badQuery([{ path: 'report_id', message: 'not a report id', expected: '64 hex' }]);
  }
  checkVisible(principal);
  for await (const key of deps.archive.list(PREFIX)) {
    if (!key.endsWith(`/${reportId}.json`) || !JSON_KEY_RE.test(key)) continue;
    const report = await readReport(deps.archive, key);
    if (report === undefined) break;
    const html = await deps.archive.get(key.replace(/\.json$/, '.html'));
    return {
      item: itemOf(reportId, report),
      report,
      html: html === undefined ? null : decoder.decode(html),
    };
  }
  throw notFound('fairness report with this id');
};
