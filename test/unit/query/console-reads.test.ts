/**
 * The read-only routes the console adds: fairness reports a page at a time (only the
 * page's reports read), by id, hidden from keys that may not read the review chain; and
 * the published verifier keys.
 */
import { describe, expect, it } from 'vitest';
import type { Principal } from '#core/access/roles.ts';
import { ApiRefusal } from '#core/api/refusal.ts';
import { fairnessReportKey } from '#core/archive/layout.ts';
import { formatVerifierKey } from '#core/chain/note.ts';
import { getFairnessReport, listFairnessReports } from '#core/query/fairness-reports.ts';
import { publishedKeys } from '#core/query/published-keys.ts';
import { MemoryArchive } from '#test/helpers/archive-builder.ts';

const auditor: Principal = { key_id: 'k1', tenant: 'default', role: 'auditor', chains: ['*'] };
const encoder = new TextEncoder();

const report = (useCase: string, day: number) => ({
  use_case: useCase,
  window: {
    from: `2026-11-${String(day).padStart(2, '0')}T00:00:00Z`,
    to: `2026-11-${String(day + 7).padStart(2, '0')}T00:00:00Z`,
  },
  generated_at: '2026-12-01T06:00:00Z',
  decisions: 100 + day,
  attributes: [{ attribute: 'gender', verdict: 'no disparity' }],
});

/** An archive with `n` reports (JSON + HTML), counting the objects read. */
const archiveWith = async (n: number) => {
  const archive = new MemoryArchive();
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = report(`uc${i % 3}`, 1 + (i % 20));
    const id = i.toString(16).padStart(64, '0');
    ids.push(id);
    await archive.put(
      fairnessReportKey(r.use_case, r.window.to, id, 'json'),
      encoder.encode(JSON.stringify(r)),
    );
    await archive.put(
      fairnessReportKey(r.use_case, r.window.to, id, 'html'),
      encoder.encode(`<p>${id}</p>`),
    );
  }
  let reads = 0;
  const get = archive.get.bind(archive);
  archive.get = async (key) => {
    reads++;
    return get(key);
  };
  return { archive, ids, reads: () => reads };
};

describe('GET /v1/reports/fairness', () => {
  it('pages through every report once, reading only each page', async () => {
    const { archive, ids, reads } = await archiveWith(12);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const before = reads();
      const page = await listFairnessReports(
        auditor,
        { limit: '5', ...(cursor ? { cursor } : {}) },
        { archive },
      );
      expect(reads() - before).toBe(page.reports.length);
      seen.push(...page.reports.map((r) => r.report_id));
      cursor = page.next_cursor;
      pages++;
    } while (cursor !== undefined);
    expect(pages).toBe(3);
    expect(seen.sort()).toEqual([...ids].sort());
  });

  it('summarises each report: use case, window, decisions, verdicts', async () => {
    const { archive } = await archiveWith(1);
    const { reports } = await listFairnessReports(auditor, {}, { archive });
    expect(reports[0]).toMatchObject({
      use_case: 'uc0',
      decisions: 101,
      verdicts: { gender: 'no disparity' },
    });
  });

  it('refuses a cursor it did not hand out, and unknown parameters', async () => {
    const { archive } = await archiveWith(1);
    await expect(listFairnessReports(auditor, { cursor: 'bm9wZQ' }, { archive })).rejects.toThrow(
      ApiRefusal,
    );
    await expect(listFairnessReports(auditor, { use_case: 'x' }, { archive })).rejects.toThrow(
      ApiRefusal,
    );
  });

  it('shows nothing to another tenant or a key scoped to other chains', async () => {
    const { archive } = await archiveWith(1);
    for (const principal of [
      { ...auditor, tenant: 'acme' },
      { ...auditor, chains: ['loan_'] },
    ]) {
      await expect(listFairnessReports(principal, {}, { archive })).rejects.toMatchObject({
        code: 'not_found',
      });
    }
  });
});

describe('GET /v1/reports/fairness/{report_id}', () => {
  it('answers the report and its archived HTML', async () => {
    const { archive, ids } = await archiveWith(4);
    const id = ids[2] as string;
    const answer = await getFairnessReport(auditor, id, { archive });
    expect(answer.item.report_id).toBe(id);
    expect(answer.report).toMatchObject({ use_case: 'uc2' });
    expect(answer.html).toBe(`<p>${id}</p>`);
  });

  it('answers 404 for an unknown id and 400 for one that is no hash', async () => {
    const { archive } = await archiveWith(1);
    await expect(getFairnessReport(auditor, 'f'.repeat(64), { archive })).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(getFairnessReport(auditor, '../x', { archive })).rejects.toMatchObject({
      code: 'invalid_request',
    });
  });
});

describe('GET /v1/checkpoints/keys', () => {
  it('answers the verifier keys the archive publishes, leaving out unreadable ones', async () => {
    const archive = new MemoryArchive();
    const vkey = formatVerifierKey('audit-trail.test', new Uint8Array(32).fill(3));
    await archive.put('keys/audit-trail.test.vkey', encoder.encode(`${vkey}\n`));
    await archive.put('keys/broken.vkey', encoder.encode('not a key'));
    expect(await publishedKeys({ archive })).toEqual({ keys: [vkey] });
  });
});
