import request from 'supertest';
import { DATABASES, freshDb, makeUser, testApp, type TestDb } from '../helpers/db';
import { FiguresService } from '../../server/figures/figures.service';
import { buildAssetsOnce, SLUG, textOf } from './helpers';

const bodyRows = (html: string, id: string) => {
  const table = new RegExp(`<table id="${id}">[\\s\\S]*?<tbody>([\\s\\S]*?)</tbody>`).exec(html)![1];
  return (table.match(/<tr[\s>]/g) ?? []).length;
};
const chartData = (html: string) => JSON.parse(/<script type="application\/json" id="chart-data">([\s\S]*?)<\/script>/.exec(html)![1]);

describe.each(DATABASES)('long tables on the situation page on %s', (kind) => {
  let t: TestDb;
  let app: ReturnType<typeof testApp>;
  const DAYS = 45;

  beforeAll(async () => {
    await buildAssetsOnce();
    t = await freshDb(kind, { seed: true });
    app = testApp(t.storage);
    const admin = await makeUser(t.storage, 'admin');
    const figures = new FiguresService(t.storage);
    // A running total reported daily at Hama for 45 days, and a district under it.
    for (let i = 0; i < DAYS; i++) {
      const day = new Date(Date.UTC(2024, 10, 1 + i)).toISOString().slice(0, 10);
      await figures.create(
        SLUG,
        {
          location: 'SY-HM',
          locationRole: 'origin',
          category: 'new_displacement',
          periodStart: '2024-11-01',
          periodEnd: day,
          value: 1000 + i * 1111,
          organisation: 'OCHA',
          sourceUrl: `https://example.org/hama/${day}`,
          publishedOn: day,
          quote: `Day ${i}: ${1000 + i * 1111} people.`,
          status: 'approved',
        },
        admin.user,
      );
    }
    await t.storage.db
      .insertInto('locations')
      .values({ code: 'SY0200', name: 'Hama district (test)', admin_level: 2, parent_code: 'SY-HM', country: 'SYR', is_area: 0, pcode: 'SY0200' } as never)
      .execute();
    await t.storage.db
      .insertInto('locations')
      .values({ code: 'SY0201', name: 'Far district (test)', admin_level: 2, parent_code: 'SY-HL', country: 'SYR', is_area: 0, pcode: 'SY0201' } as never)
      .execute();
  });
  afterAll(() => t.cleanup());

  test('when a table has more than 30 rows, then the page shows the latest 30 and links to every row, which ?rows=all shows beside the same chart data', async () => {
    const short = await request(app).get(`/situations/${SLUG}?location=SY-HM`).expect(200);
    expect(bodyRows(short.text, 'series-table')).toBe(30);
    expect(textOf(short.text)).toMatch(/The latest 30 of \d+ rows are shown\. Show all \d+ rows/);
    const href = /href="([^"]*rows=all#series-table)"/.exec(short.text)![1].replace(/&amp;/g, '&');
    expect(href).toBe(`/situations/${SLUG}?location=SY-HM&rows=all#series-table`);
    // The latest rows are the ones kept.
    const data = chartData(short.text);
    const last = data.series.reconciled.at(-1);
    expect(short.text).toContain(`data-value="${last.value}"`);

    const full = await request(app).get(href.split('#')[0]).expect(200);
    expect(bodyRows(full.text, 'series-table')).toBeGreaterThanOrEqual(data.series.reconciled.length);
    const text = textOf(full.text);
    for (const p of data.series.reconciled) expect(full.text).toContain(`data-value="${p.value}"`);
    for (const p of data.series.reported) expect(text).toContain(p.value.toLocaleString('en'));
    expect(text).not.toMatch(/The latest 30 of/);
    // The controls keep the full view when another location or category is chosen.
    expect(full.text).toContain('<input type="hidden" name="rows" value="all">');
    expect(chartData(full.text)).toEqual(data);
  });

  test('when rows has another value, then 400', async () => {
    await request(app).get(`/situations/${SLUG}?rows=some`).expect(400);
  });

  test("when the location list is shown, then it holds the country, its first level and the chosen location's line; ?rows=all holds every place", async () => {
    const options = (html: string) => [.../<option value="([^"]+)"/g[Symbol.matchAll](/<select id="control-location"[\s\S]*?<\/select>/.exec(html)![0])].map((m) => m[1]);
    const country = options((await request(app).get(`/situations/${SLUG}`).expect(200)).text);
    expect(country).toEqual(expect.arrayContaining(['SYR', 'SY-HM', 'SY-HL']));
    expect(country).not.toContain('SY0200');
    const hama = options((await request(app).get(`/situations/${SLUG}?location=SY-HM`).expect(200)).text);
    expect(hama).toContain('SY0200');
    expect(hama).not.toContain('SY0201');
    const all = options((await request(app).get(`/situations/${SLUG}?rows=all`).expect(200)).text);
    expect(all).toEqual(expect.arrayContaining(['SY0200', 'SY0201']));
  });
});
