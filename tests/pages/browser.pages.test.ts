import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { freshDb, makeUser, testApp, type TestDb } from '../helpers/db';
import { browserSession, describeInBrowser } from './browser';
import { organisationsRepository } from '../../server/organisations/organisations.repository';
import { FiguresService } from '../../server/figures/figures.service';
import { nowIso } from '../../server/storage/database';
import { buildAssetsOnce, SLUG } from './helpers';

/**
 * Browser tests with Debian's chromium (never a downloaded browser), on SQLite only to keep CI time down:
 * one browser for the file, pages reused. Skipped with a message when chromium is not installed.
 */

// The README's screenshot is refreshed only on request (UPDATE_SCREENSHOT=1 npm test): a test run must not change tracked files.
const SCREENSHOT = process.env.UPDATE_SCREENSHOT ? path.resolve(__dirname, '../../docs/screenshot-situation.png') : path.join(os.tmpdir(), 'dt-screenshot-situation.png');
const XSS = {
  org: '<img src=x onerror=alert("org")>',
  quote: '<script>alert("quote")</script> and "quoted" text',
  notes: '<svg onload=alert("notes")></svg><b>bold?</b>',
};

describeInBrowser('pages in a browser (chromium, SQLite)', () => {
  let t: TestDb;
  let session: Awaited<ReturnType<typeof browserSession>>;
  let base: string;
  let browser: Browser;
  let admin: Awaited<ReturnType<typeof makeUser>>;

  beforeAll(async () => {
    await buildAssetsOnce();
    t = await freshDb('sqlite', { seed: true });
    const app = testApp(t.storage);
    admin = await makeUser(t.storage, 'admin');
    session = await browserSession(app);
    ({ base, browser } = session);
  });
  afterAll(async () => {
    await session?.close();
    await t?.cleanup();
  });

  /** A page that records console errors, page errors and dialogs. */
  async function open(opts: { javaScriptEnabled?: boolean } = {}) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, javaScriptEnabled: opts.javaScriptEnabled ?? true });
    const page = await context.newPage();
    const problems: string[] = [];
    const dialogs: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('dialog', async (dlg) => {
      dialogs.push(dlg.message());
      await dlg.dismiss();
    });
    return { page, problems, dialogs, close: () => context.close() };
  }

  /** Waits until every chart canvas on the page has been drawn (and checks how many there are). */
  const drawn = async (page: Page, n: number) => {
    expect(await page.locator('canvas[data-chart]').count()).toBe(n);
    await page.waitForFunction((k) => Object.keys(window.displacementCharts ?? {}).length === k, n, { timeout: 15_000 });
  };

  test('when the situation page opens, then it draws its three charts with no console errors (and a screenshot is saved)', async () => {
    const { page, problems, close } = await open();
    await page.goto(`${base}/situations/${SLUG}`);
    await drawn(page, 3);
    // Each canvas has pixels drawn on it.
    const inked = await page.$$eval('canvas[data-chart]', (cs) =>
      cs.map((c) => {
        const canvas = c as HTMLCanvasElement;
        const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        let ink = 0;
        for (let i = 0; i < data.length; i += 4) if (data[i + 3] > 0 && (data[i] < 240 || data[i + 1] < 240 || data[i + 2] < 240)) ink++;
        return { id: canvas.dataset.chart, ink, width: canvas.width };
      }),
    );
    for (const c of inked) expect(c.ink).toBeGreaterThan(1000);
    expect(problems).toEqual([]);
    fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    // The README screenshot: headline numbers and the main chart.
    const chartBottom = await page
      .locator('figure.chart')
      .first()
      .evaluate((el) => el.getBoundingClientRect().bottom + window.scrollY);
    await page.screenshot({ path: SCREENSHOT, fullPage: true, clip: { x: 0, y: 0, width: 1280, height: Math.ceil(chartBottom) + 16 } });
    expect(fs.statSync(SCREENSHOT).size).toBeGreaterThan(20_000);
    // Keyboard: the first Tab lands on the skip link, with a visible focus outline.
    await page.keyboard.press('Tab');
    const focus = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      return { text: el.textContent, outline: getComputedStyle(el).outlineStyle };
    });
    expect(focus).toEqual({ text: 'Skip to main content', outline: 'solid' });
    await close();
  });

  test('when JavaScript is off, then the chart boxes stay hidden and the tables show the same numbers as the chart data', async () => {
    const { page, problems, close } = await open({ javaScriptEnabled: false });
    await page.goto(`${base}/situations/${SLUG}`);
    expect(await page.locator('.chart-box').first().isVisible()).toBe(false);
    const data = JSON.parse((await page.locator('#chart-data').textContent())!);
    const fmt = (n: number) => new Intl.NumberFormat('en', { maximumFractionDigits: 0 }).format(n);
    const reported = await page.$$eval('#reported-table td[data-value]', (tds) => tds.map((td) => td.textContent!.trim()));
    expect(reported).toEqual(data.series.reported.map((p: { value: number }) => fmt(p.value)));
    const series = await page.$$eval('#series-table td[data-value]', (tds) => tds.map((td) => td.textContent!.trim()));
    expect(series).toEqual(data.series.reconciled.map((p: { value: number }) => fmt(p.value)));
    const central = await page.$$eval('#projection-table td[data-value]', (tds) => tds.map((td) => td.textContent!.trim()));
    expect(central).toEqual(data.series.projection.points.map((p: { central: number }) => fmt(p.central)));
    const changes = await page.$$eval('#changes-table td[data-value]', (tds) => tds.map((td) => td.textContent!.trim()));
    expect(changes).toEqual(data.changes.map((c: { perDay: number }) => fmt(c.perDay)));
    expect(await page.locator('#locations-table').textContent()).toContain('100,000');
    // Printed as a situation report: no navigation or controls, the tables in full.
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.site-header').isVisible()).toBe(false);
    expect(await page.locator('form.controls').isVisible()).toBe(false);
    expect(await page.locator('#projection-table').isVisible()).toBe(true);
    expect(problems).toEqual([]);
    await close();
  });

  test('when an admin signs in and adds an approved figure through the form, then it appears in the chart and the table', async () => {
    const { page, problems, close } = await open();
    await page.goto(`${base}/sign-in?next=/situations/${SLUG}/figures/new`);
    await page.getByLabel('Email address').fill(admin.user.email);
    await page.getByLabel('Password').fill(admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}/situations/${SLUG}/figures/new`);
    await page.getByLabel('Location', { exact: true }).selectOption('SYR');
    await page.getByLabel('Category').selectOption('new_displacement');
    await page.getByLabel('Start of period').fill('2024-11-27');
    await page.getByLabel('End of period (or as-of date)').fill('2024-12-07');
    await page.getByLabel('Value in people').fill('412,345');
    await page.getByLabel('Quantifier').selectOption('exact');
    await page.getByLabel('Organisation').selectOption('UNHCR');
    await page.getByLabel('Source address (URL)').fill('https://example.org/unhcr-update');
    await page.getByLabel('Published on').fill('2024-12-07');
    await page.getByLabel('Quote', { exact: true }).fill('UNHCR counts 412,345 people displaced since 27 November.');
    await page.getByLabel('Status').selectOption('approved');
    await page.getByRole('button', { name: 'Save figure' }).click();
    await page.waitForURL(/\/figures\/\d+\?done=created$/);
    expect(await page.locator('h1 .status').textContent()).toBe('Approved');

    await page.goto(`${base}/situations/${SLUG}`);
    await drawn(page, 3);
    const inChart = await page.evaluate(() => {
      const chart = window.displacementCharts!.series as { data: { datasets: { label: string; data: { y: number }[] }[] } };
      return chart.data.datasets.filter((ds) => ds.label === 'Reported by UNHCR').flatMap((ds) => ds.data.map((p) => p.y));
    });
    expect(inChart).toContain(412345);
    expect(await page.locator('#reported-table').textContent()).toContain('412,345');
    expect(problems).toEqual([]);
    await close();
  });

  test('when a quote, a note and an organisation name carry script, then they render as text and no dialog fires', async () => {
    const at = nowIso();
    await organisationsRepository.insert(t.storage.db, { name: XSS.org, shortName: XSS.org, reliability: 'low' }, at);
    const figures = new FiguresService(t.storage);
    const f = await figures.create(
      SLUG,
      {
        location: 'SY-HM',
        locationRole: 'origin',
        category: 'new_displacement',
        periodStart: '2024-11-27',
        periodEnd: '2024-12-05',
        value: 4321,
        organisation: XSS.org,
        sourceUrl: 'https://example.org/x',
        publishedOn: '2024-12-05',
        quote: XSS.quote,
        notes: XSS.notes,
        status: 'approved',
      },
      admin.user,
    );
    const { page, problems, dialogs, close } = await open();
    for (const url of [`/situations/${SLUG}?location=SY-HM`, `/figures/${f.id}`, `/situations/${SLUG}/figures?location=SY-HM`, `/situations/${SLUG}/locations/SY-HM`]) {
      await page.goto(base + url);
      if (url.startsWith(`/situations/${SLUG}?`)) await drawn(page, 1);
      const body = (await page.locator('main').textContent())!;
      expect(body).toContain(XSS.org);
      if (!url.includes('/figures?')) expect(body).toContain(XSS.quote);
      if (url.startsWith('/figures/')) expect(body).toContain(XSS.notes);
      expect(await page.locator('main img[src="x"], main svg[onload]').count()).toBe(0);
    }
    // Hovering the reported point draws its tooltip (organisation, quote) on the canvas, never as HTML.
    await page.goto(`${base}/situations/${SLUG}?location=SY-HM`);
    await drawn(page, 1);
    const box = await page.locator('canvas[data-chart="series"]').boundingBox();
    if (box) await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    expect(dialogs).toEqual([]);
    expect(problems).toEqual([]);
    await close();
  });
});
