/**
 * `report evidence --pdf`: prints the standalone evidence page to PDF with a Chromium that is
 * already installed (playwright-core drives it; nothing is downloaded). Optional: playwright-core
 * is a development dependency, so an install without it says what to add.
 */
import { writeFile } from 'node:fs/promises';

/** Where Chromium is looked for when neither `--chromium` nor CHROMIUM_PATH names one. */
export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

export const writeEvidencePdf = async (
  html: string,
  file: string,
  chromium: string = process.env.CHROMIUM_PATH ?? DEFAULT_CHROMIUM,
): Promise<void> => {
  let playwright: typeof import('playwright-core');
  try {
    playwright = await import('playwright-core');
  } catch {
    throw new Error('--pdf needs the playwright-core package: npm install playwright-core');
  }
  const browser = await playwright.chromium.launch({
    executablePath: chromium,
    args: ['--no-sandbox'],
  });
  try {
    const page = await browser.newPage();
    // The page has no external resources; nothing may be fetched while it renders.
    await page.route('**/*', (route) => route.abort());
    await page.setContent(html, { waitUntil: 'load' });
    await writeFile(file, await page.pdf({ format: 'A4', printBackground: true }));
  } finally {
    await browser.close();
  }
};
