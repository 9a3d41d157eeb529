/** Arabic and French pages in a real browser: direction and mirrored layout, no English left, charts drawn, the switcher without JavaScript. */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';

const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
import { freshDb, testApp, type TestDb } from '../helpers/db';
import { browserSession, describeInBrowser } from './browser';
import { buildAssetsOnce, SLUG } from './helpers';

const catalogue = (lang: string) => JSON.parse(fs.readFileSync(path.resolve(__dirname, `../../server/i18n/${lang}.json`), 'utf8')) as Record<string, string>;
const en = catalogue('en');
/** English interface sentences (no placeholders, three words or more, not written alike in `lang`): none may show on that language's page. */
const english = (lang: string) => {
  const same = new Set(Object.values(catalogue(lang)));
  return Object.values(en).filter((s) => !/[{}]/.test(s) && s.trim().split(/\s+/).length >= 3 && !same.has(s));
};

describeInBrowser('pages in Arabic and French (chromium, SQLite)', () => {
  let t: TestDb;
  let session: Awaited<ReturnType<typeof browserSession>>;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    await buildAssetsOnce();
    t = await freshDb('sqlite', { seed: true });
    session = await browserSession(testApp(t.storage));
    ({ base, browser } = session);
  });
  afterAll(async () => {
    await session?.close();
    await t?.cleanup();
  });

  const open = async (o: { javaScriptEnabled?: boolean; acceptLanguage?: string; bypassCSP?: boolean } = {}) => {
    const context = await browser.newContext({
      // bypassCSP only to inject axe: the pages' CSP allows no inline script.
      bypassCSP: o.bypassCSP ?? false,
      viewport: { width: 1366, height: 900 },
      javaScriptEnabled: o.javaScriptEnabled ?? true,
      extraHTTPHeaders: { 'Accept-Language': o.acceptLanguage ?? 'en-US,en;q=0.9' },
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    return { page, context, errors, close: () => context.close() };
  };
  const box = (page: Page, selector: string) =>
    page
      .locator(selector)
      .first()
      .evaluate((el) => el.getBoundingClientRect().toJSON() as DOMRect);
  const englishOn = (text: string, lang: string) => english(lang).filter((s) => text.includes(s));

  test.each([
    ['ar', 'rtl', 'باختصار', 'تقرير حالة'],
    ['fr', 'ltr', 'En bref', 'Rapport de situation'],
  ])('when the Syria page opens with ?lang=%s, then it is %s, mirrored as the script reads, in that language, with its charts drawn', async (lang, dir, inBrief, sitrep) => {
    const { page, errors, close } = await open();
    const res = await page.goto(`${base}/situations/${SLUG}?lang=${lang}`);
    expect(res!.status()).toBe(200);
    expect(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir])).toEqual([lang, dir]);
    // The brand (first in the header) and the sitrep box's heading start on the right in Arabic, on the left in French.
    const width = 1366;
    const brand = await box(page, '.brand');
    const heading = await box(page, '.sitrep-box h2');
    if (dir === 'rtl') {
      expect(brand.left).toBeGreaterThan(width / 2);
      expect(heading.right).toBeGreaterThan(width / 2);
    } else {
      expect(brand.right).toBeLessThan(width / 2);
      expect(heading.left).toBeLessThan(width / 2);
    }
    const text = await page.locator('body').innerText();
    expect(text).toContain(inBrief);
    expect(text).toContain(sitrep);
    expect(text).not.toContain('⟦');
    expect(englishOn(text, lang)).toEqual([]);
    // Charts: every canvas drawn to a real size, and no console error.
    await page.waitForFunction(() => Array.from(document.querySelectorAll('canvas')).every((c) => c.width > 0 && c.height > 0));
    expect(await page.locator('canvas').count()).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await close();
  });

  test.each(['ar', 'fr'])('when the %s situation report is printed, then it is one A4 page with its chart image drawn', async (lang) => {
    const { page, errors, close } = await open();
    await page.goto(`${base}/situations/${SLUG}/sitrep?lang=${lang}`);
    await page.waitForFunction(() => {
      const i = document.querySelector('.sitrep-chart img') as HTMLImageElement | null;
      return !!i && i.complete && i.naturalWidth > 0;
    });
    const pdf = await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
    expect((pdf.toString('latin1').match(/\/Type\s*\/Page(?!s)/g) ?? []).length).toBe(1);
    expect(errors).toEqual([]);
    await close();
  });

  test('when axe checks the Arabic and French pages, then none has a serious or critical violation', async () => {
    const { page, close } = await open({ bypassCSP: true });
    const found: string[] = [];
    for (const lang of ['ar', 'fr'])
      for (const p of ['/', `/situations/${SLUG}`, `/situations/${SLUG}/locations/SY-HL`, `/situations/${SLUG}/figures`, `/situations/${SLUG}/sitrep`]) {
        await page.goto(`${base}${p}?lang=${lang}`);
        await page.addScriptTag({ content: AXE });
        const violations = await page.evaluate(async () => {
          const axe = (window as unknown as { axe: { run: (o: unknown) => Promise<{ violations: { id: string; impact: string }[] }> } }).axe;
          const r = await axe.run({ resultTypes: ['violations'] });
          return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact})`);
        });
        found.push(...violations.map((v) => `${lang} ${p}: ${v}`));
      }
    expect(found).toEqual([]);
    await close();
  });

  test('when a browser asks for French (Accept-Language), then the page is French without any choice made', async () => {
    const { page, close } = await open({ acceptLanguage: 'fr-FR,fr;q=0.9,en;q=0.5' });
    await page.goto(`${base}/`);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('fr');
    expect(await page.locator('h1').first().innerText()).toBe('Situations');
    expect(await page.locator('.brand').innerText()).toBe('Suivi des déplacements');
    await close();
  });

  test('when JavaScript is off and the reader follows the العربية link, then that page and the next are Arabic, remembered in a cookie', async () => {
    const { page, context, close } = await open({ javaScriptEnabled: false });
    await page.goto(`${base}/`);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    const links = await page.locator('.lang-switch a').allInnerTexts();
    expect(links).toEqual(['English', 'Français', 'العربية']);
    await page.locator('.lang-switch a', { hasText: 'العربية' }).click();
    await page.waitForLoadState();
    expect(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir])).toEqual(['ar', 'rtl']);
    expect(await page.locator('.brand').innerText()).toBe('متتبّع النزوح');
    const cookies = await context.cookies();
    expect(cookies.find((c) => c.name === 'dt_lang')?.value).toBe('ar');
    // The next page, reached by a plain link without ?lang, stays Arabic.
    await page.goto(`${base}/situations/${SLUG}`);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('ar');
    expect(await page.locator('.lang-switch a[aria-current]').innerText()).toBe('العربية');
    // And back to English through the switcher.
    await page.locator('.lang-switch a', { hasText: 'English' }).click();
    await page.waitForLoadState();
    expect(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir])).toEqual(['en', 'ltr']);
    await close();
  });
});
