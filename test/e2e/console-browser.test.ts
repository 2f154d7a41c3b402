/**
 * The console (`/console/` on `audit-trail dev`) in a real browser: Debian's chromium driven
 * by playwright-core. A reviewer signs in and works through the queue with the keyboard
 * (then `audit-trail verify` is clean); an auditor finds a customer's events, sees the
 * inclusion proof verified in the page (and not verified once the proof is tampered with),
 * reads a raw body behind the reason prompt; the report, evidence and governance pages
 * render. Every page passes an axe-core scan with no serious or critical violation, at
 * 1280 px and at 390 px, and fetches nothing from another origin. Screenshots go to
 * test-artifacts/console/.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFileKeyStore } from '#adapters/local/file-key-store.ts';
import { createKey } from '#core/access/keys.ts';
import type { Role } from '#core/access/roles.ts';
import { createPolicyEngine } from '#core/policy/create-engine.ts';
import { defaultPolicy } from '#core/policy/default-policy.ts';
import { type DevRuntime, devPaths } from '#handlers/wiring/dev-runtime.ts';
import { patient } from '#test/helpers/patient-browser.ts';
import { removeDir, tempDir } from '#test/helpers/temp-dir.ts';
import { runCliHere } from './support/cli-in-process.ts';
import { startTestRuntime, waitForRecord } from './support/dev-harness.ts';
import { bearer, call, postJson } from './support/http-client.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-artifacts', 'console');
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const CARD = '4111 1111 1111 1111';
const WIDTHS = [1280, 390] as const;

let browser: Browser;
let dir: string;
let runtime: DevRuntime;
const keys = new Map<Role, string>();

const decision = (id: string, extra: Record<string, unknown> = {}) => ({
  application_id: 'loan_app',
  decision_id: id,
  use_case: 'loan',
  output: { decision: 'approve', reason: 'fine' },
  metadata: { user_id: 'cust_7' },
  ...extra,
});

beforeAll(async () => {
  // CI installs it (.ci/run); a developer machine without it fails here with the reason.
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  dir = await tempDir('console-');
  runtime = await startTestRuntime(dir, {
    policy: createPolicyEngine(defaultPolicy()),
    fairnessReview: false,
  });
  const store = openFileKeyStore(devPaths(dir).accessKeys);
  for (const role of ['reviewer', 'auditor'] as const) {
    keys.set(role, (await createKey({ role }, store, new Date())).key);
  }
  const admin = runtime.apiKey.key;
  const events = [
    decision('dec_card', {
      output: { decision: 'deny', reason: `paid with ${CARD}` },
      metadata: { user_id: 'cust_42' },
    }),
    decision('dec_low', { confidence: 0.41, confidence_threshold: 0.7 }),
    // 24 decisions of one customer (a page of 20, then 4), half of them by gender group.
    ...Array.from({ length: 24 }, (_, i) =>
      decision(`dec_${i}`, {
        inputs: { gender: i % 2 === 0 ? 'f' : 'm' },
        output: { decision: i % 3 === 0 ? 'deny' : 'approve', reason: 'score' },
      }),
    ),
  ];
  const sent = await postJson(runtime.url, '/v1/events:batch', { events }, bearer(admin));
  expect(sent.status, sent.text).toBe(202);
  for (const e of events) await waitForRecord(runtime.url, admin, e.decision_id);
  await runtime.checkpoint();
  const now = new Date();
  await runtime.fairnessReview({
    from: new Date(now.getTime() - 86_400_000),
    to: new Date(now.getTime() + 60_000),
    useCase: 'loan',
    attributes: [{ path: 'gender' }],
    positiveDecisions: ['approve'],
    positiveOutcomes: ['repaid'],
    minGroupSize: 2,
  });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  await mkdir(ARTIFACTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await runtime?.stop();
  await removeDir(dir);
});

/** A fresh tab (its own sessionStorage), recording requests that leave the origin. axe is
 * injected as a script tag, which the console's CSP would refuse: bypassCSP is for axe. */
const open = async (width: number = WIDTHS[0]) => {
  const context: BrowserContext = patient(
    await browser.newContext({ viewport: { width, height: 900 }, bypassCSP: true }),
  );
  const page = await context.newPage();
  const foreign: string[] = [];
  page.on('request', (r) => {
    if (!r.url().startsWith(runtime.url) && !r.url().startsWith('data:')) foreign.push(r.url());
  });
  return { page, context, foreign };
};

const signIn = async (page: Page, key: string, hash = '#/search') => {
  await page.goto(`${runtime.url}/console/${hash}`);
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#nav').waitFor({ state: 'visible' });
};

/** axe-core over the page: no serious or critical violation. */
const expectAccessible = async (page: Page, what: string) => {
  await page.addScriptTag({ path: AXE });
  // A string, evaluated in the page (the test's own types know no DOM).
  const violations = (await page.evaluate(
    `axe.run(document, { resultTypes: ['violations'] }).then((r) =>
      r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length })))`,
  )) as { id: string; impact: string; nodes: number }[];
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious, `${what}: ${JSON.stringify(violations)}`).toEqual([]);
};

/** Each page at both widths: accessible, nothing wider than the viewport, a screenshot. One
 * tab per key, signed in once: each page is then a full load of its URL (the key stays in
 * the tab's sessionStorage), so no page is checked with another page's DOM. */
const checkPages = async (key: string, pages: [hash: string, name: string, ready: string][]) => {
  const { page, context, foreign } = await open();
  await signIn(page, key);
  for (const [hash, name, ready] of pages) {
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto('about:blank');
      await page.goto(`${runtime.url}/console/${hash}`);
      await page.locator('#nav').waitFor({ state: 'visible' });
      await page.locator(ready).first().waitFor();
      await expectAccessible(page, `${name} at ${width}px`);
      const overflow = await page.evaluate(
        'document.documentElement.scrollWidth - document.documentElement.clientWidth',
      );
      expect(overflow, `${name} scrolls sideways at ${width}px`).toBeLessThanOrEqual(0);
      await page.screenshot({ path: join(ARTIFACTS, `${name}-${width}.png`), fullPage: true });
    }
  }
  expect(foreign).toEqual([]);
  await context.close();
};

describe('the console in headless chromium', () => {
  it('signs in with a key, refusing a wrong one', async () => {
    const { page, context, foreign } = await open();
    await page.goto(`${runtime.url}/console`);
    await expect.poll(() => page.url()).toBe(`${runtime.url}/console/`);
    await expectAccessible(page, 'sign-in');
    await page.screenshot({ path: join(ARTIFACTS, 'sign-in-1280.png') });
    await page.getByLabel('API key').fill('atk_wrong');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/not accepted/);
    await page.getByLabel('API key').fill(keys.get('auditor') as string);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Search records' }).waitFor();
    expect(await page.evaluate('sessionStorage.length')).toBe(1);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
    expect(foreign).toEqual([]);
    await context.close();
  });

  it('finds one customer’s events a page at a time, in a URL that can be shared', async () => {
    const { page, context } = await open();
    await signIn(page, keys.get('auditor') as string);
    await page.getByLabel('Customer (user id)').fill('cust_7');
    await page.getByLabel('Kind').selectOption('decision');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('table', { name: 'Matching records' }).waitFor();
    expect(page.url()).toContain('#/search?user_id=cust_7&kind=decision&limit=20');
    const rows = page.getByRole('table', { name: 'Matching records' }).locator('tbody tr');
    expect(await rows.count()).toBe(20);
    const first = await rows.allTextContents();
    await page.getByRole('link', { name: 'Next page' }).click();
    await page.getByRole('link', { name: 'First page' }).waitFor();
    expect(page.url()).toContain('cursor=');
    const second = await rows.allTextContents();
    // 24 of cust_7's decisions plus dec_low: 25 over two pages, none twice.
    expect(second).toHaveLength(5);
    expect(second.filter((r) => first.includes(r))).toEqual([]);
    // The shared URL opens the same page in another tab once signed in.
    const shared = page.url();
    const other = await open();
    await signIn(other.page, keys.get('auditor') as string, shared.split('/console/')[1]);
    await other.page.getByRole('link', { name: 'First page' }).waitFor();
    expect(await other.page.locator('tbody tr').allTextContents()).toEqual(second);
    await other.context.close();
    await context.close();
  });

  it('checks the inclusion proof in the page: verified, and not verified when tampered', async () => {
    const { page, context } = await open();
    await signIn(page, keys.get('auditor') as string, '#/event/dec_card');
    const state = page.locator('#proof-state');
    await expect.poll(() => state.getAttribute('data-state')).toBe('verified');
    expect(await state.textContent()).toMatch(/Verified in this browser: record \d+ is in/);
    // The card number is masked and marked with its rule and control ids.
    const mark = page.locator('dl.body mark').first();
    expect(await mark.getAttribute('data-rule')).toBeTruthy();
    expect(await page.locator('dl.body').textContent()).not.toContain(CARD);
    await page.screenshot({ path: join(ARTIFACTS, 'event-verified-1280.png'), fullPage: true });

    // One hash of the audit path changed on the way: the page must say not verified.
    await page.route('**/v1/reviews/dec_card', async (route) => {
      const res = await route.fetch();
      const body = await res.json();
      const path: string[] = body.proof.proof;
      if (path.length > 0) path[0] = Buffer.alloc(32, 7).toString('base64');
      else body.proof.record.ingested_at = '2000-01-01T00:00:00.000Z';
      await route.fulfill({ response: res, json: body });
    });
    await page.reload();
    await expect.poll(() => state.getAttribute('data-state')).toBe('not-verified');
    expect(await state.textContent()).toMatch(/Not verified/);
    await page.screenshot({ path: join(ARTIFACTS, 'event-tampered-1280.png'), fullPage: true });
    await context.close();
  });

  it('shows a raw body only after a stated reason, with the access record it wrote', async () => {
    const { page, context } = await open();
    await signIn(page, keys.get('auditor') as string, '#/event/dec_card');
    await page.getByRole('button', { name: 'Read the raw body…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await expectAccessible(page, 'raw-read prompt');
    await page.screenshot({ path: join(ARTIFACTS, 'raw-prompt-1280.png') });
    // No reason, no read: the required field keeps the dialog open.
    await dialog.getByRole('button', { name: 'Show raw body' }).click();
    expect(await dialog.isVisible()).toBe(true);
    await dialog.getByLabel('Reason').fill('chargeback dispute C-77');
    await dialog.getByRole('button', { name: 'Show raw body' }).click();
    await page.locator('#access-id').waitFor();
    expect(await page.locator('#raw-out dl.body').textContent()).toContain(CARD);
    expect(await page.locator('#raw-out').textContent()).toContain('chargeback dispute C-77');
    const accessId = (await page.locator('#access-id').textContent()) ?? '';
    const access = await call(runtime.url, `/v1/events/${encodeURIComponent(accessId)}`, {
      headers: bearer(runtime.apiKey.key),
    });
    expect(access.json.record.kind).toBe('access');
    expect(access.json.record.body.reason).toBe('chargeback dispute C-77');
    await page.screenshot({ path: join(ARTIFACTS, 'raw-view-1280.png'), fullPage: true });
    await context.close();

    // A reviewer may not read raw bodies: the page says so, and nothing is recorded.
    const reviewer = await open();
    await signIn(reviewer.page, keys.get('reviewer') as string, '#/event/dec_card');
    await reviewer.page.getByRole('button', { name: 'Read the raw body…' }).click();
    await reviewer.page.getByRole('dialog').getByLabel('Reason').fill('curious');
    await reviewer.page.getByRole('button', { name: 'Show raw body' }).click();
    await expect.poll(() => reviewer.page.locator('#raw-out').textContent()).toMatch(/Error 403/);
    await reviewer.context.close();
  });

  it('renders each page accessibly at 1280 px and 390 px', async () => {
    await checkPages(keys.get('auditor') as string, [
      ['#/search?user_id=cust_42', 'search', 'tbody tr'],
      ['#/event/dec_card', 'event', '#proof-state[data-state]'],
      ['#/reports', 'reports', 'tbody tr'],
      ['#/evidence', 'evidence', '#evidence-heading ~ *'],
    ]);
    await checkPages(keys.get('reviewer') as string, [['#/queue', 'queue', '.queue-item']]);
    await checkPages(runtime.apiKey.key, [
      ['#/holds', 'holds', '#new-hold'],
      ['#/erasures', 'erasures', '#new-erasure'],
    ]);
  });

  it('opens the evidence package for a period, with the figures the route answers', async () => {
    // Prepare: a period around today, and the route's own answer for it
    const auditor = keys.get('auditor') as string;
    const day = (offset: number) =>
      new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const [from, to] = [day(-1), day(2)];
    const { page, context, foreign } = await open();
    await signIn(page, auditor, '#/evidence');

    // Act: choose the period in the page's form
    await page.getByLabel('From (date)').fill(from);
    await page.getByLabel('To (date, exclusive)').fill(to);
    await page.getByRole('button', { name: 'Open' }).click();
    await expect.poll(() => page.url()).toContain(`from=${from}&to=${to}`);
    await page.getByRole('table', { name: 'Records by kind' }).waitFor();
    const answer = await call(runtime.url, `/v1/reports/evidence?from=${from}&to=${to}`, {
      headers: bearer(auditor),
    });

    // Assert: every figure on the page is the route's
    expect(answer.status).toBe(200);
    const pkg = answer.json as {
      volumes: {
        records: number;
        by_kind: Record<string, number>;
        by_use_case: Record<string, number>;
      };
      policy: {
        by_decision: Record<string, number>;
        by_control: { control: string; findings: number; records: number }[];
      };
      reviews: { by_verdict: Record<string, number> };
      verification: {
        ok: boolean;
        chains: number;
        records: number;
        checkpoints: number;
        faults: number;
        command: string;
      };
    };
    expect(pkg.volumes.by_kind.decision).toBe(26);
    expect(pkg.policy.by_control.length).toBeGreaterThan(0);
    const rows = (caption: string) =>
      page.evaluate(`[...document.querySelectorAll('caption')]
        .find((c) => c.textContent === ${JSON.stringify(caption)})
        ?.closest('table').querySelectorAll('tbody tr')
        .values().map((tr) => [...tr.cells].map((td) => td.textContent)).toArray() ?? null`) as Promise<
        string[][] | null
      >;
    const asCounts = (byKey: Record<string, number>) =>
      Object.entries(byKey).map(([key, n]) => [key, String(n)]);
    const sorted = (list: string[][] | null) =>
      list === null ? null : [...list].sort((a, b) => a.join().localeCompare(b.join()));
    const factsShown = async () =>
      new Map(
        (await page.evaluate(`[...document.querySelectorAll('dl.facts dt')]
        .map((dt) => [dt.textContent, dt.nextElementSibling.textContent])`)) as [string, string][],
      );
    const v = pkg.verification;
    // The page's first render (this month, before the form was used) can still be shown
    // while the period's package loads; the period's figures arrive in one DOM append, with
    // the whole package (its query's from and to) in the page's <pre>.
    const shownPackage = () =>
      page.evaluate(
        `document.querySelector('#main details pre')?.textContent ?? ''`,
      ) as Promise<string>;
    await expect.poll(shownPackage, { timeout: 240_000 }).toContain(`"from": "${from}`);
    expect(await shownPackage()).toContain(`"to": "${to}`);
    expect(sorted(await rows('Records by kind'))).toEqual(sorted(asCounts(pkg.volumes.by_kind)));
    expect(sorted(await rows('Records by use case'))).toEqual(
      sorted(asCounts(pkg.volumes.by_use_case)),
    );
    expect(sorted(await rows('Policy decisions'))).toEqual(
      sorted(asCounts(pkg.policy.by_decision)),
    );
    expect(await rows('Findings by control')).toEqual(
      pkg.policy.by_control.map((c) => [c.control, String(c.findings), String(c.records)]),
    );
    expect(sorted(await rows('Review verdicts'))).toEqual(sorted(asCounts(pkg.reviews.by_verdict)));
    const facts = await factsShown();
    expect(facts.get('Records in the period')).toBe(String(pkg.volumes.records));
    expect(facts.get('Chains')).toBe(String(v.chains));
    expect(facts.get('Records')).toBe(String(v.records));
    expect(facts.get('Checkpoints')).toBe(String(v.checkpoints));
    expect(facts.get('Faults')).toBe(String(v.faults));
    expect(facts.get('Reproduce with')).toBe(v.command);
    expect(v.ok).toBe(true);
    await expect
      .poll(() => page.getByRole('status').filter({ hasText: 'Verified' }).textContent())
      .toBe('Verified: no faults');
    await expectAccessible(page, 'evidence for a period');
    await page.screenshot({ path: join(ARTIFACTS, 'evidence-period-1280.png'), fullPage: true });
    expect(foreign).toEqual([]);
    await context.close();
  });

  it('shows a fairness report with its charts', async () => {
    const { page, context } = await open();
    await signIn(page, keys.get('auditor') as string, '#/reports');
    await page.getByRole('link', { name: 'loan' }).click();
    await page.getByRole('heading', { name: /Fairness report: loan/ }).waitFor();
    const frame = page.frameLocator('iframe.report-frame');
    await frame.locator('svg.chart.rates').waitFor();
    expect(await frame.locator('svg.chart.rates g.rate').count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(ARTIFACTS, 'report-1280.png') });
    await page
      .locator('iframe.report-frame')
      .screenshot({ path: join(ARTIFACTS, 'report-charts-1280.png') });
    await context.close();
  });

  it('places a legal hold from its form', async () => {
    const { page, context } = await open();
    await signIn(page, runtime.apiKey.key, '#/holds');
    await page.getByLabel('Case id').fill('C-9');
    await page.getByLabel('Reason', { exact: true }).fill('litigation');
    await page.getByLabel('Event ids').fill('dec_0, dec_1');
    await page.getByRole('button', { name: 'Place hold' }).click();
    await page.getByRole('table', { name: /Legal holds/ }).waitFor();
    expect(await page.locator('tbody').textContent()).toContain('C-9');
    const holds = await call(runtime.url, '/v1/legal-holds', {
      headers: bearer(runtime.apiKey.key),
    });
    expect(holds.json.holds.map((h: { case_id: string }) => h.case_id)).toContain('C-9');
    await context.close();
  });

  it('works through the review queue with the keyboard; the verdicts verify', async () => {
    const { page, context } = await open();
    await signIn(page, keys.get('reviewer') as string, '#/queue');
    const items = page.locator('.queue-item');
    await items.first().waitFor();
    const queued = await items.evaluateAll((els) => els.map((e) => e.getAttribute('data-event')));
    expect(queued.sort()).toEqual(['dec_card', 'dec_low']);
    await page.locator('#item-heading a').waitFor();
    const firstId =
      queued.length > 0
        ? await page.locator('.queue-item[aria-current="true"]').getAttribute('data-event')
        : null;
    // n: write a note; then (focus out of the field) a: approve with it.
    await page.keyboard.press('n');
    await page.keyboard.type('card number in the reason; ok');
    await page.locator('#page-title').focus();
    await page.keyboard.press('a');
    await expect
      .poll(() => page.locator('#verdict-result').textContent())
      .toMatch(new RegExp(`approve on ${firstId} recorded as review record \\S+ #\\d+`));
    await page.locator('#item-heading a').waitFor();
    await page.keyboard.press('e');
    await expect.poll(() => page.locator('#verdict-result').textContent()).toMatch(/escalate on/);
    await expect.poll(() => items.count()).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'queue-done-1280.png'), fullPage: true });
    await context.close();

    const admin = runtime.apiKey.key;
    for (const [id, status] of [
      [firstId, 'approved'],
      [queued.find((q) => q !== firstId), 'escalated'],
    ] as const) {
      const review = await call(runtime.url, `/v1/reviews/${id}`, { headers: bearer(admin) });
      expect(review.json.queue.status).toBe(status);
      expect(review.json.verdicts).toHaveLength(1);
    }
    const approved = await call(runtime.url, `/v1/reviews/${firstId}`, { headers: bearer(admin) });
    expect(approved.json.verdicts[0].note).toBe('card number in the reason; ok');

    // The verdicts are records: after the runtime stops, `audit-trail verify` is clean.
    await runtime.stop();
    const verify = await runCliHere(['verify', devPaths(dir).archive]);
    expect(verify.code, verify.output).toBe(0);
  });
});
