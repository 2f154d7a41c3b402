/**
 * The HTML report in a real browser (Debian's chromium, driven by playwright-core): the
 * charts render, every group has a point and a confidence whisker, and nothing is fetched
 * over the network. A screenshot is kept under .tmp/ as a test artifact.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeReview } from '#core/fairness/compute-review.ts';
import { renderHtml } from '#core/fairness/render-html.ts';
import { patient } from '#test/helpers/patient-browser.ts';
import { removeDir, tempDir } from '#test/helpers/temp-dir.ts';
import { decision, listSource, outcome } from '#test/unit/fairness/records.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = join(import.meta.dirname, '..', '..', '.tmp');

let browser: Browser;
let dir: string;

const records = Array.from({ length: 240 }, (_, i) => {
  const group = ['f', 'm', 'x'][i % 3] as string;
  const approve = (i * 7) % 10 < (group === 'f' ? 8 : group === 'm' ? 5 : 6);
  const day = 1 + (i % 56);
  const at = new Date(Date.UTC(2026, 9, 5) + day * 86_400_000).toISOString();
  return decision(
    `d${i}`,
    {
      use_case: 'loan',
      inputs: { gender: group },
      output: { decision: approve ? 'approve' : 'deny', reason: approve ? 'ok' : 'income too low' },
    },
    at,
  );
});
const outcomes = records
  .filter((_, i) => i % 2 === 0)
  .map((r, i) => outcome(r.event_id, i % 3 === 0 ? 'default' : 'repaid'));

beforeAll(async () => {
  // CI installs it (.ci/run); a developer machine without it fails here with the reason.
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  dir = await tempDir('fairness-html-');
});

afterAll(async () => {
  await browser?.close();
  await removeDir(dir);
});

describe('HTML fairness report in headless chromium', () => {
  it('shows rates with confidence whiskers and the weekly trend, offline', async () => {
    const report = await computeReview(
      listSource([...records, ...outcomes]),
      {
        from: new Date('2026-11-23T00:00:00Z'),
        to: new Date('2026-11-30T00:00:00Z'),
        attributes: [{ path: 'gender' }],
        positiveDecisions: ['approve'],
        positiveOutcomes: ['repaid'],
        minGroupSize: 5,
        trendWeeks: 8,
      },
      new Date('2026-11-30T06:00:00Z'),
    );
    const file = join(dir, 'report.html');
    await writeFile(file, renderHtml(report));

    const page = patient(await browser.newPage({ viewport: { width: 1000, height: 800 } }));
    const requests: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith('file:')) requests.push(r.url());
    });
    await page.goto(`file://${file}`);

    const rates = page.locator('svg.chart.rates');
    await expect.poll(() => rates.count()).toBe(1);
    const box = await rates.boundingBox();
    expect(box?.width).toBeGreaterThan(300);
    expect(box?.height).toBeGreaterThan(100);
    // Each of the three groups: a selection-rate point with its whisker, drawn inside the chart.
    for (const group of ['f', 'm', 'x']) {
      const g = page.locator(
        `svg.chart.rates g.rate[data-group="${group}"][data-rate="selection_rate"]`,
      );
      expect(await g.locator('circle.point').count()).toBe(1);
      const whisker = await g.locator('line.whisker').boundingBox();
      expect(whisker?.width).toBeGreaterThan(5);
    }
    // TPR points for every group whose TPR is defined (half the decisions have outcomes).
    const withTpr = report.attributes[0]?.groups.filter((g) => g.tpr !== null).length ?? 0;
    expect(withTpr).toBeGreaterThan(0);
    expect(await page.locator('svg.chart.rates g.rate[data-rate="tpr"]').count()).toBe(withTpr);
    // The trend: one line per group over the eight weeks.
    const series = page.locator('svg.chart.trend polyline.series');
    expect(await series.count()).toBe(3);
    const points = (await series.first().getAttribute('points'))?.split(' ') ?? [];
    expect(points.length).toBeGreaterThanOrEqual(8);
    expect(await page.locator('svg.chart.weekly rect.bar.adverse').count()).toBe(
      report.weekly.length,
    );
    expect(await page.locator('h2 .verdict').first().textContent()).toMatch(
      /DISPARITY|no disparity|insufficient/,
    );
    expect(requests).toEqual([]);

    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'fairness-report.png'), fullPage: true });
    await page.close();
  });
});
