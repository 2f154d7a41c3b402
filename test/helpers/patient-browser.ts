/**
 * Playwright's own waits (locators, navigation: 30 s by default) made as long as the suite's
 * expect.poll timeout (vitest.config.ts): on a loaded machine Chromium took longer than 30 s
 * to render a page and the console test failed. They only stop a hang; no test asserts time.
 */
export const BROWSER_WAIT_MS = 240_000;

/** Sets the wait of a page or browser context (and of the pages it opens); answers it. */
export const patient = <T extends { setDefaultTimeout(ms: number): void }>(target: T): T => {
  target.setDefaultTimeout(BROWSER_WAIT_MS);
  return target;
};
