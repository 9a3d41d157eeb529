import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import request from 'supertest';
import { DATABASES, freshDb, makeUser, testApp, type TestDb } from '../helpers/db';
import { createI18n } from '../../server/i18n/i18n';
import { directionOf } from '../../server/i18n/format';
import { buildAssetsOnce, signedIn, SLUG, textOf } from './helpers';

const VIEWS = path.resolve(__dirname, '../../views');

describe.each(DATABASES)('pages on %s', (kind) => {
  let t: TestDb;
  let app: ReturnType<typeof testApp>;
  let editor: Awaited<ReturnType<typeof makeUser>>;

  beforeAll(async () => {
    await buildAssetsOnce();
    t = await freshDb(kind, { seed: true });
    app = testApp(t.storage);
    editor = await makeUser(t.storage, 'editor');
  });
  afterAll(() => t.cleanup());

  test('when the dashboard is opened, then each situation shows its sitrep box (latest figure, change, 7-day range, scenario) and the date of the latest report, rounded for reading', async () => {
    const res = await request(app).get('/').expect(200);
    const text = textOf(res.text);
    expect(res.text).toMatch(/<html lang="en" dir="ltr">/);
    expect(text).toContain('Syria: displacement from the November-December 2024 offensive');
    expect(text).toContain('more than 370,000');
    // The sitrep box: the change between two real reports, the 7-day range in words, the agency scenario as a scenario.
    expect(text).toContain('Change between reports Up about 356,000 between November 28, 2024 and December 6, 2024 (8 days; OCHA).');
    expect(text).toMatch(/Next 7 days If the trend of the last reports continues, between 370,000 and [\d,]+ by December 13, 2024 \(80% range; not yet tested on this series\)/);
    expect(text).toContain('WFP warns it could reach 1,500,000 (a scenario, not a projection of the reports)');
    // The latest report's date, not the day the database was written.
    expect(text).toContain('Latest report: December 6, 2024 (2024-12-06)');
    expect(text).toMatch(/data last changed \w+ \d+, \d{4} \(\d{4}-\d\d-\d\d\)/);
  });

  test('when any page is served, then its CSP allows no inline script or style, and the HTML has neither', async () => {
    const pages = [
      '/',
      `/situations/${SLUG}`,
      `/situations/${SLUG}/locations/SY-RA`,
      `/situations/${SLUG}/figures`,
      '/figures/1',
      `/situations/${SLUG}/scenarios`,
      '/sign-in',
      '/no-such-page',
    ];
    for (const p of pages) {
      const res = await request(app).get(p);
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("style-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      // Every <script> either loads a file or carries JSON data.
      for (const tag of res.text.match(/<script[^>]*>/g) ?? []) expect(tag).toMatch(/src="\/assets\/|type="application\/json"/);
      expect(res.text).not.toMatch(/\sstyle="/);
      expect(res.text).not.toMatch(/<style/);
      expect(res.text).not.toMatch(/\son[a-z]+="/);
      // No untranslated key slipped through.
      expect({ page: p, missing: res.text.match(/⟦[^⟧]+⟧/g) }).toEqual({ page: p, missing: null });
    }
  });

  test('when a page is requested again with its ETag, then 304; assets are fingerprinted and immutable', async () => {
    const first = await request(app).get(`/situations/${SLUG}`).expect(200);
    expect(first.headers.etag).toBeTruthy();
    expect(first.headers['cache-control']).toBe('private, no-cache');
    await request(app).get(`/situations/${SLUG}`).set('If-None-Match', first.headers.etag).expect(304);
    const assets = [...first.text.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
    expect(assets.some((a) => /\/assets\/charts-[0-9a-f]{12}\.js$/.test(a))).toBe(true);
    expect(assets.some((a) => /\/assets\/site-[0-9a-f]{12}\.css$/.test(a))).toBe(true);
    for (const a of assets) {
      const r = await request(app).get(a).expect(200);
      expect(r.headers['cache-control']).toMatch(/max-age=31536000/);
      expect(r.headers['cache-control']).toMatch(/immutable/);
    }
    await request(app).get('/assets/manifest.json').expect(404);
  });

  test.each([
    ['the dashboard', '/'],
    ['the Syria page', `/situations/${SLUG}`],
    ['the sitrep page', `/situations/${SLUG}/sitrep`],
    ['the dashboard in Arabic', '/?lang=ar'],
    ['the Syria page in Arabic', `/situations/${SLUG}?lang=ar`],
    ['the sitrep page in Arabic', `/situations/${SLUG}/sitrep?lang=ar`],
    ['the Syria page in French', `/situations/${SLUG}?lang=fr`],
    ['the sitrep page in French', `/situations/${SLUG}/sitrep?lang=fr`],
  ])('when %s is loaded over gzip, then the first load is at most 100 KB and a repeat visit at most 15 KB', async (_name, url) => {
    const gz = (b: Buffer | string) => gzipSync(b, { level: 6 }).length;
    const headerBytes = (r: request.Response) => JSON.stringify(r.headers).length;
    const page = await request(app).get(url).set('Accept-Encoding', 'gzip').buffer(true);
    expect(page.headers['content-encoding']).toBe('gzip');
    const html = page.text;
    const assets = [...new Set([...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]))];
    // Server-drawn images (the sitrep's chart): PNG is already compressed, sent as it is, revalidated by ETag.
    const images = [...new Set([...html.matchAll(/<img src="(\/situations\/[^"]+\.png[^"]*)"/g)].map((m) => m[1].replace(/&amp;/g, '&')))];
    const sizes: Record<string, number> = { html: gz(html) + headerBytes(page) };
    for (const a of assets) sizes[path.basename(a)] = gz(fs.readFileSync(path.resolve(__dirname, '../../public/build', path.basename(a))));
    const etags: Record<string, string> = {};
    for (const i of images) {
      const r = await request(app).get(i).buffer(true).expect(200);
      sizes[i.split('?')[0].split('/').pop()!] = Number(r.headers['content-length']) + headerBytes(r);
      etags[i] = r.headers.etag;
    }
    const first = Object.values(sizes).reduce((a, b) => a + b, 0);
    // Repeat visit: the page revalidates (304 without a body, or the page again when it names the time it was made),
    // every asset comes from the cache (immutable) and each image revalidates (304).
    const again = await request(app).get(url).set('If-None-Match', page.headers.etag).set('Accept-Encoding', 'gzip').buffer(true);
    let repeat = headerBytes(again) + (again.status === 304 ? 0 : gz(again.text));
    for (const i of images) {
      const r = await request(app).get(i).set('If-None-Match', etags[i]);
      expect(r.status).toBe(304);
      repeat += headerBytes(r);
    }
    console.log(`${url} weight (gzip): ${JSON.stringify(sizes)}; first load ${(first / 1024).toFixed(1)} KB; repeat visit ${(repeat / 1024).toFixed(1)} KB (page ${again.status})`);
    expect(first).toBeLessThanOrEqual(100 * 1024);
    expect(repeat).toBeLessThanOrEqual(15 * 1024);
    // Even when the page has changed, its HTML alone stays under the repeat budget.
    expect(gz(html)).toBeLessThanOrEqual(15 * 1024);
  });

  test('when the situation page is read, then the chart data and the tables carry the same exact numbers', async () => {
    const res = await request(app).get(`/situations/${SLUG}`).expect(200);
    const json = /<script type="application\/json" id="chart-data">([\s\S]*?)<\/script>/.exec(res.text)![1];
    const data = JSON.parse(json);
    expect(data.series.reported.length).toBeGreaterThan(0);
    const text = textOf(res.text);
    for (const p of data.series.reported) expect(text).toContain(p.value.toLocaleString('en'));
    for (const p of data.series.reconciled) expect(res.text).toContain(`data-value="${p.value}"`);
    expect(data.series.projection.points).toHaveLength(8); // pages open on 7 days
    for (const p of data.series.projection.points) expect(res.text).toContain(`data-value="${p.central}"`);
    expect(text).toContain('WFP scenario: could reach 1.5 million');
    // The projection in one sentence, its track record in words, and the ceiling it passes said in words.
    expect(text).toMatch(
      /If the trend of the last reports continues, between 370,000 and [\d,]+ by December 13, 2024 \(80% range; not yet tested on this series: a test at 7 days needs 8 reports and a later one 7 days on; there are 4 reports\)\./,
    );
    expect(text).toMatch(/The high end of the 80% range passes WFP's quoted ceiling of 1,500,000 on December \d+, 2024\./);
    expect(text).not.toMatch(/degrees of freedom/);
    expect(text).toMatch(/Doubling time [\d.]+ days/);
    expect(text).toContain('Download PNG');
    expect(res.text).toContain(`/situations/${SLUG}/charts/series.png`);
    // Tables have captions and header cells.
    expect((res.text.match(/<caption>/g) ?? []).length).toBeGreaterThanOrEqual(6);
    expect(res.text).toContain('<th scope="col"');
  });

  test('when a location page is opened, then it shows that location; an unknown location is 404 and a bad query 400', async () => {
    const res = await request(app).get(`/situations/${SLUG}/locations/SY-RA`).expect(200);
    const text = textOf(res.text);
    expect(text).toContain('Ar-Raqqa (SY-RA)');
    expect(text).toContain('100,000');
    await request(app).get(`/situations/${SLUG}/locations/SY-XX`).expect(404);
    await request(app).get(`/situations/${SLUG}?horizon=9999`).expect(400);
    await request(app).get('/situations/no-such-situation').expect(404);
  });

  test('when the figures list is filtered, then only matching approved figures show; a bad filter is a 400 with the error beside it', async () => {
    const wfp = await request(app).get(`/situations/${SLUG}/figures?organisation=WFP`).expect(200);
    const rows = wfp.text.split('<tbody>')[1].split('</tbody>')[0].match(/<tr>/g)!.length;
    expect(rows).toBe(2);
    expect(textOf(wfp.text)).not.toContain('OCHA</td>');
    const bad = await request(app).get(`/situations/${SLUG}/figures?from=yesterday`).expect(400);
    expect(bad.text).toContain('id="field-from-error"');
    expect(bad.text).toContain('value="yesterday"');
  });

  test('when a figure is opened, then its quote, source and (signed in) its history show', async () => {
    const anon = await request(app).get('/figures/1').expect(200);
    expect(textOf(anon.text)).toContain('More than 14,000 people');
    expect(anon.text).toContain('rel="noopener noreferrer nofollow"');
    expect(textOf(anon.text)).toContain('Sign in to see the history');
    const ed = await signedIn(app, editor.user.email, editor.password);
    const res = await ed.get('/figures/1').expect(200);
    expect(res.text).toContain('id="history-table"');
    expect(textOf(res.text)).toContain('seed@system');
  });

  test('when PUBLIC_READ is false, then pages ask for sign-in', async () => {
    const closed = testApp(t.storage, { PUBLIC_READ: 'false' });
    const res = await request(closed).get(`/situations/${SLUG}`).expect(303);
    expect(res.headers.location).toBe(`/sign-in?next=${encodeURIComponent(`/situations/${SLUG}`)}`);
    await request(closed).get('/sign-in').expect(200);
  });
});

describe('interface text', () => {
  test('when the English catalogue is loaded, then t() fills parameters and a missing key is marked', () => {
    const i = createI18n('en');
    expect(i.t('chart.series.scenario.ceiling', { organisation: 'WFP', value: '1.5 million' })).toBe('WFP scenario: could reach 1.5 million');
    expect(i.t('no.such.key')).toBe('⟦no.such.key⟧');
    expect(i.number(278640)).toBe('278,640');
    expect(i.people(278640)).toBe('279,000');
    expect(i.compactLong(1_500_000)).toBe('1.5 million');
    expect(i.dateWords('2024-12-06')).toBe('December 6, 2024');
  });

  test('when the locale has no catalogue, then the page falls back to English, ltr; en-GB keeps English words with British dates', () => {
    expect(createI18n('he-IL')).toMatchObject({ lang: 'en', dir: 'ltr' });
    expect(directionOf('ar')).toBe('rtl');
    expect(directionOf('he-IL')).toBe('rtl');
    expect(directionOf('fr')).toBe('ltr');
    const gb = createI18n('en-GB');
    expect(gb.lang).toBe('en');
    expect(gb.dateWords('2024-12-06')).toBe('6 December 2024');
  });

  test('when the templates are scanned, then every literal key they use is in the English catalogue', () => {
    const catalogue = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../server/i18n/en.json'), 'utf8')) as Record<string, string>;
    const files: string[] = [];
    const walk = (d: string) => fs.readdirSync(d, { withFileTypes: true }).forEach((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : files.push(path.join(d, e.name))));
    walk(VIEWS);
    const missing: string[] = [];
    // A key with plural forms (key.one, key.other) is used as `key` with a count.
    const known = (k: string) => k in catalogue || `${k}.other` in catalogue;
    for (const f of files) for (const m of fs.readFileSync(f, 'utf8').matchAll(/\bt\('([a-zA-Z0-9_.]+)'[,)]/g)) if (!known(m[1])) missing.push(`${path.basename(f)}: ${m[1]}`);
    expect(missing).toEqual([]);
  });
});
