/** The ten-second test in a real browser: the sitrep box above the fold on desktop and phone, the printable sitrep on one A4 page, axe. */
import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { freshDb, makeUser, testApp, type TestDb } from '../helpers/db';
import { browserSession, describeInBrowser } from './browser';
import { buildAssetsOnce, SLUG } from './helpers';

const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

describeInBrowser('sitrep pages in a browser (chromium, SQLite)', () => {
  let t: TestDb;
  let session: Awaited<ReturnType<typeof browserSession>>;
  let base: string;
  let browser: Browser;
  let editor: Awaited<ReturnType<typeof makeUser>>;

  beforeAll(async () => {
    await buildAssetsOnce();
    t = await freshDb('sqlite', { seed: true });
    const app = testApp(t.storage);
    editor = await makeUser(t.storage, 'editor');
    session = await browserSession(app);
    ({ base, browser } = session);
  });
  afterAll(async () => {
    await session?.close();
    await t?.cleanup();
  });

  const open = async (viewport: { width: number; height: number }, javaScriptEnabled = true, bypassCSP = false) => {
    // bypassCSP only to inject axe: the pages' CSP allows no inline script.
    const context = await browser.newContext({ viewport, javaScriptEnabled, isMobile: viewport.width < 500, bypassCSP });
    return { page: await context.newPage(), close: () => context.close() };
  };
  /** True when the element lies entirely within the first screen (no scrolling). */
  const aboveFold = (page: Page, selector: string) =>
    page.locator(selector).evaluate((el) => {
      const r = el.getBoundingClientRect();
      return r.top >= 0 && r.bottom <= window.innerHeight && r.right <= window.innerWidth;
    });

  test.each([
    ['desktop', { width: 1366, height: 900 }],
    ['phone', { width: 390, height: 844 }],
  ])(
    'when the Syria page opens on a %s, then the sitrep box with figure, source, change, 7-day range and its meaning, and the WFP scenario is visible without scrolling',
    async (_name, viewport) => {
      const { page, close } = await open(viewport);
      await page.goto(`${base}/situations/${SLUG}`);
      const box = page.locator('.sitrep-box').first();
      const text = (await box.innerText()).replace(/\s+/g, ' ');
      expect(text).toContain('more than 370,000 people newly displaced since November 27, 2024');
      expect(text).toContain('OCHA, December 6, 2024');
      expect(text).toContain('Up about 356,000 between November 28, 2024 and December 6, 2024 (8 days; OCHA)');
      expect(text).toMatch(/Next 7 days If the trend of the last reports continues, between 370,000 and [\d,]+ by December 13, 2024 \(80% range; not yet tested on this series\)/);
      expect(text).toContain('WFP warns it could reach 1,500,000 (a scenario, not a projection of the reports)');
      expect(await aboveFold(page, '.sitrep-box')).toBe(true);
      // No horizontal overflow, and no table in a fixed-height box: the newest row is reached by scrolling the page only.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
      expect(await page.evaluate(() => Array.from(document.querySelectorAll('.table-wrap')).every((w) => w.scrollHeight <= w.clientHeight + 1))).toBe(true);
      await close();
    },
  );

  test('when JavaScript is off, then each chart is shown as the server-drawn image', async () => {
    const { page, close } = await open({ width: 1366, height: 900 }, false);
    await page.goto(`${base}/situations/${SLUG}`);
    const img = page.locator('img.chart-png').first();
    await img.scrollIntoViewIfNeeded();
    await page.waitForFunction(() => {
      const i = document.querySelector('img.chart-png') as HTMLImageElement | null;
      return !!i && i.complete && i.naturalWidth > 0;
    });
    expect(await img.getAttribute('src')).toMatch(/\/charts\/series\.png/);
    await close();
  });

  test.each([
    ['the Syria page', `/situations/${SLUG}?horizon=abc`],
    ['the sitrep page', `/situations/${SLUG}/sitrep?horizon=999`],
  ])('when %s is opened with a horizon it cannot use, then the page stays, the error summary has the focus and the field shows its error', async (_name, path) => {
    const { page, close } = await open({ width: 390, height: 844 });
    const res = await page.goto(`${base}${path}`);
    expect(res?.status()).toBe(400);
    expect(await page.locator('.sitrep-box').first().isVisible()).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.classList.contains('error-summary'))).toBe(true);
    const error = page.locator('#field-horizon-error');
    expect(await error.isVisible()).toBe(true);
    expect((await error.innerText()).trim()).toMatch(/must be (a number of days|at most 365 days)$/);
    // The summary's link leads to the field, and a good horizon then gives the page without an error.
    await page.locator('.error-summary a').click();
    await page.locator('#field-horizon').fill('14');
    await Promise.all([page.waitForNavigation(), page.locator('#field-horizon').press('Enter')]);
    expect(page.url()).toContain('horizon=14');
    expect(await page.locator('.error-summary').count()).toBe(0);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await close();
  });

  test('when the sitrep page is printed, then it is one A4 page with the chart image whole', async () => {
    const { page, close } = await open({ width: 1366, height: 900 });
    await page.goto(`${base}/situations/${SLUG}/sitrep`);
    await page.waitForFunction(() => {
      const i = document.querySelector('.sitrep-chart img') as HTMLImageElement | null;
      return !!i && i.complete && i.naturalWidth > 0;
    });
    const pdf = await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page(?!s)/g) ?? []).length;
    expect(pages).toBe(1);
    // In print layout the image lies within one A4 page height (297 mm at 96 px per inch, less the margins).
    await page.emulateMedia({ media: 'print' });
    const bottom = await page.locator('.sitrep-chart img').evaluate((el) => el.getBoundingClientRect().bottom + window.scrollY);
    expect(bottom).toBeLessThan((297 - 24) * (96 / 25.4));
    await close();
  });

  test('when axe checks the main pages, then none has a serious or critical violation', async () => {
    const { page, close } = await open({ width: 1366, height: 900 }, true, true);
    await page.goto(`${base}/sign-in`);
    await page.getByLabel('Email address').fill(editor.user.email);
    await page.getByLabel('Password').fill(editor.password);
    await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/sign-in')), page.getByRole('button', { name: 'Sign in' }).click()]);
    const pages = [
      '/',
      `/situations/${SLUG}`,
      `/situations/${SLUG}/locations/SY-HL`,
      `/situations/${SLUG}/figures`,
      '/figures/1',
      `/situations/${SLUG}/figures/new`,
      `/situations/${SLUG}/import`,
      `/situations/${SLUG}/sitrep`,
    ];
    const found: string[] = [];
    for (const p of pages) {
      await page.goto(`${base}${p}`);
      await page.addScriptTag({ content: AXE });
      const violations = await page.evaluate(async () => {
        const r = await (window as unknown as { axe: { run: (o: unknown) => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe.run({
          resultTypes: ['violations'],
        });
        return r.violations
          .filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .map(
            (v) =>
              `${v.id} (${v.impact}) at ${v.nodes
                .slice(0, 3)
                .map((n) => n.target.join(' '))
                .join(', ')}`,
          );
      });
      found.push(...violations.map((v) => `${p}: ${v}`));
    }
    expect(found).toEqual([]);
    await close();
  });
});
