/** The map in a real browser: an admin uploads boundaries through the page, the Syria page shows the map, the sitrep prints on one A4 page with it. */
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { freshDb, makeUser, testApp, type TestDb } from '../helpers/db';
import { browserSession, describeInBrowser } from './browser';
import { buildAssetsOnce, SLUG } from './helpers';

const SQUARES = path.resolve(__dirname, '..', 'fixtures', 'maps', 'syria-adm1-squares.geojson');

describeInBrowser('the map in a browser (chromium, SQLite)', () => {
  let t: TestDb;
  let session: Awaited<ReturnType<typeof browserSession>>;
  let base: string;
  let browser: Browser;
  let admin: Awaited<ReturnType<typeof makeUser>>;

  beforeAll(async () => {
    await buildAssetsOnce();
    t = await freshDb('sqlite', { seed: true });
    admin = await makeUser(t.storage, 'admin');
    session = await browserSession(testApp(t.storage));
    ({ base, browser } = session);
  });
  afterAll(async () => {
    await session?.close();
    await t?.cleanup();
  });

  test('when an admin uploads a boundary file on its page, then the Syria page shows the map and the sitrep still prints on one A4 page with it', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${base}/sign-in`);
    await page.getByLabel('Email address').fill(admin.user.email);
    await page.getByLabel('Password').fill(admin.password);
    await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/sign-in')), page.getByRole('button', { name: 'Sign in' }).click()]);

    // No map before any boundary file.
    await page.goto(`${base}/situations/${SLUG}`);
    expect(await page.locator('svg.choropleth').count()).toBe(0);

    await page.goto(`${base}/situations/${SLUG}/boundaries`);
    await page.locator('#field-file').setInputFiles(SQUARES);
    await page.locator('#field-source').fill('OCHA COD-AB (test squares)');
    await page.locator('#field-licence').fill('CC BY-IGO');
    await page.getByRole('button', { name: 'Check the file' }).click();
    await expect(page.locator('#preview-matched').innerText()).resolves.toContain('Shapes matching a location (5)');
    await Promise.all([page.waitForURL(/stored=1/), page.locator('#store-boundaries').click()]);

    await page.goto(`${base}/situations/${SLUG}`);
    const map = page.locator('svg.choropleth');
    await expect(map.isVisible()).resolves.toBe(true);
    expect(await map.locator('path.area').count()).toBe(5);
    expect(await map.locator('path.no-data').count()).toBeGreaterThan(0);
    const box = await map.boundingBox();
    expect(box!.width).toBeGreaterThan(300);
    // No horizontal overflow on a phone either (a page opened at that size, as a phone would).
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
    const small = await phone.newPage();
    await small.goto(`${base}/situations/${SLUG}`);
    expect(await small.locator('svg.choropleth').isVisible()).toBe(true);
    expect(await small.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await phone.close();

    await page.goto(`${base}/situations/${SLUG}/sitrep`);
    await page.waitForFunction(() => {
      const i = document.querySelector('.sitrep-chart img') as HTMLImageElement | null;
      return !!i && i.complete && i.naturalWidth > 0;
    });
    expect(await page.locator('svg.choropleth').count()).toBe(1);
    const pdf = await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
    expect((pdf.toString('latin1').match(/\/Type\s*\/Page(?!s)/g) ?? []).length).toBe(1);
    await page.emulateMedia({ media: 'print' });
    const bottom = await page.locator('svg.choropleth').evaluate((el) => el.getBoundingClientRect().bottom + window.scrollY);
    expect(bottom).toBeLessThan((297 - 24) * (96 / 25.4));
    await context.close();
  });
});
