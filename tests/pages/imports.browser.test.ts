import { realFile } from '../helpers/fixtures';
import request from 'supertest';
import type { Browser } from 'playwright-core';
import { freshDb, makeUser, testApp, type TestDb } from '../helpers/db';
import { browserSession, describeInBrowser } from './browser';
import { buildAssetsOnce } from './helpers';

/**
 * The import page in Debian's chromium (SQLite only, like browser.pages.test.ts): a real multipart upload
 * from a file input, with the CSRF token as the form's first field, through preview to commit, under the CSP.
 */

const FILE = realFile('iom-dtm', 'subset_SDN_armed_clashes_weekly_admin0.csv');

describeInBrowser('import page in a browser (chromium, SQLite)', () => {
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
    await request(app)
      .post('/api/v1/situations')
      .set(editor.auth)
      .send({ slug: 'sudan-2023', title: 'Sudan armed clashes', country: 'SDN', countryName: 'Sudan', onsetDate: '2023-04-15' })
      .expect(201);
    session = await browserSession(app);
    ({ base, browser } = session);
  });
  afterAll(async () => {
    await session?.close();
    await t?.cleanup();
  });

  test('when an editor uploads the Sudan file, previews it and imports it, then the import page shows 45 drafts and links to them', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));

    await page.goto(`${base}/sign-in?next=/import`);
    await page.getByLabel('Email address').fill(editor.user.email);
    await page.getByLabel('Password').fill(editor.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}/import`);
    await page.getByRole('link', { name: 'Import into Sudan armed clashes' }).click();
    await page.waitForURL(`${base}/situations/sudan-2023/import`);

    await page.getByLabel('CSV file').setInputFiles(FILE);
    await page.getByRole('button', { name: 'Check the file (preview)' }).click();
    await page.locator('#preview').waitFor();
    expect(await page.locator('#preview-new').textContent()).toBe('45');
    expect(await page.locator('#preview-duplicates').textContent()).toBe('0');
    expect(
      Number(
        (
          await t.storage.db
            .selectFrom('figures')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('import_id', 'is not', null)
            .executeTakeFirstOrThrow()
        ).n,
      ),
    ).toBe(0);

    await page.getByRole('button', { name: 'Import 45 figures' }).click();
    await page.waitForURL(/\/situations\/sudan-2023\/imports\/\d+$/);
    expect(await page.locator('#import-done').textContent()).toContain('45 figures from subset_SDN_armed_clashes_weekly_admin0.csv');
    await page.locator('#review-drafts').click();
    await page.waitForURL(`${base}/situations/sudan-2023/figures?status=draft`);
    expect(await page.locator('table.figures-table caption').textContent()).toBe('Figures (45)');
    expect(problems).toEqual([]);
    await context.close();
  });
});
