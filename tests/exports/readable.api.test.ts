/** CSV for people beside CSV for machines: the readable summary, the quantifier kept, HXL file names, the figures list's own rows. */
import request from 'supertest';
import { parse } from 'csv-parse/sync';
import { DATABASES, freshDb, makeUser, testApp, type TestDb } from '../helpers/db';
import { buildAssetsOnce, signedIn } from '../pages/helpers';

const SLUG = 'syria-2024-offensive';
const today = new Date().toISOString().slice(0, 10);
const rowsOf = (text: string) => parse(text.replace(/^\uFEFF/, ''), { columns: true, skip_empty_lines: true }) as Record<string, string>[];

describe.each(DATABASES)('CSV for people on %s', (kind) => {
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

  test('when the readable summary is downloaded, then headers are words and the latest figure keeps its quantifier, rounded', async () => {
    const res = await request(app).get(`/situations/${SLUG}/export/summary-readable.csv?bom=1`).expect(200);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="${SLUG}-summary-readable-${today}.csv"`);
    expect(res.text.startsWith('\uFEFF')).toBe(true);
    const rows = rowsOf(res.text);
    expect(Object.keys(rows[0])).toEqual([
      'Location',
      'Category',
      'Latest figure',
      'As of',
      'Change between reports',
      'Change over 7 days, interpolated',
      '80% range, low',
      'Central projection',
      '80% range, high',
      'Projection for',
      'Sources',
    ]);
    const country = rows.find((r) => r.Location === 'Syrian Arab Republic (SYR)' && r.Category === 'New displacement')!;
    // OCHA, 6 Dec 2024: "more than 370,000".
    expect(country['Latest figure']).toBe('more than 370,000');
    expect(country['As of']).toBe('2024-12-06');
    // By hand from the seeded OCHA reports (14,000 on Nov 28, 48,500 on Nov 30, 178,000 on Dec 5, 370,000 on Dec 6):
    // between reports, Nov 28 (the latest at least 7 days before Dec 6) to Dec 6: 370,000 − 14,000 = 356,000, as the sitrep box says;
    // interpolated, 370,000 − (14,000 + (48,500 − 14,000) / 2) = 338,750 → "up 339,000".
    expect(country['Change between reports']).toBe('up 356,000 (2024-11-28 to 2024-12-06)');
    expect(country['Change over 7 days, interpolated']).toBe('up 339,000');
    // hxl=1 is ignored for the readable file: its headers are for people.
    const hxl = await request(app).get(`/situations/${SLUG}/export/summary-readable.csv?hxl=1`).expect(200);
    expect(hxl.text.split('\r\n')[1]).not.toMatch(/^#/);
  });

  test('when the machine summary is downloaded, then it carries the quantifier; HXL downloads have their own file name', async () => {
    const res = await request(app).get(`/situations/${SLUG}/export/summary.csv?hxl=1`).expect(200);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="${SLUG}-summary-hxl-${today}.csv"`);
    const [header, tags] = res.text.split('\r\n');
    expect(header.split(',')).toContain('latestQuantifier');
    expect(tags.split(',')[header.split(',').indexOf('latestQuantifier')]).toBe('#meta+quantifier');
    const plain = rowsOf((await request(app).get(`/situations/${SLUG}/export/summary.csv`).expect(200)).text);
    const syr = plain.find((r) => r.location === 'SYR' && r.category === 'new_displacement')!;
    expect(syr.latestQuantifier).toBe('more_than');
    // The two changes side by side, each named for what it is (values by hand as in the readable test).
    expect([syr.change7d, syr.changeBetweenReports, syr.changeFromDate, syr.changeToDate]).toEqual(['338750', '356000', '2024-11-28', '2024-12-06']);
    expect(tags.split(',')[header.split(',').indexOf('changeBetweenReports')]).toBe('#affected+change_reports');
    // The sitrep box states the same change between the same two reports.
    const box = await request(app).get(`/situations/${SLUG}/sitrep.txt`).expect(200);
    expect(box.text).toContain('Up about 356,000 between November 28, 2024 and December 6, 2024 (8 days; OCHA).');
    // README.txt explains which is which.
    const readme = (await request(app).get('/export/README.txt').expect(200)).text;
    expect(readme).toMatch(/change7d[\s\S]*interpolated[\s\S]*changeBetweenReports/);
    expect(readme).toContain('Change between reports');
  });

  test('when the figures list is filtered, then its CSV link downloads exactly the rows the filters select', async () => {
    const list = await request(app).get(`/situations/${SLUG}/figures?organisation=WFP`).expect(200);
    const href = /<a href="([^"]+figures\.csv[^"]*)" download>/.exec(list.text)![1].replace(/&amp;/g, '&');
    expect(href).toBe(`/situations/${SLUG}/export/figures.csv?organisation=WFP`);
    const rows = rowsOf((await request(app).get(href).expect(200)).text);
    const shown = [...list.text.matchAll(/<a href="\/figures\/(\d+)">/g)].map((m) => m[1]).sort();
    expect(rows.map((r) => r.id).sort()).toEqual(shown);
    expect(rows.every((r) => r.organisation === 'WFP')).toBe(true);
    // Drafts only for editors.
    await request(app).get(`/situations/${SLUG}/export/figures.csv?status=draft`).expect(403);
    const ed = await signedIn(app, editor.user.email, editor.password);
    const edList = await ed.get(`/situations/${SLUG}/figures?status=draft`).expect(200);
    expect(edList.text).toContain(`/situations/${SLUG}/export/figures.csv?status=draft`);
    // The situation page's figures link is the whole situation, not the page's location.
    const page = await request(app).get(`/situations/${SLUG}`).expect(200);
    expect(page.text).toContain(`href="/situations/${SLUG}/export/figures.csv" download`);
    expect(page.text).toContain(`/situations/${SLUG}/export/figures.csv?bom=1`);
  });
});
