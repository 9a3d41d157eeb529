import fs from 'node:fs';
import request from 'supertest';
import { DATABASES, freshDb, makeUser, testApp, type TestDb } from '../helpers/db';
import { realFile } from '../helpers/fixtures';

const DAILY = fs.readFileSync(realFile('ukraine', 'unhcr-refugees-from-ukraine-daily-2022.csv'));
const SERIES = fs.readFileSync(realFile('ukraine', 'unhcr-refugees-from-ukraine-series-2022-2024.csv'));
const UNHCR_URL = 'https://data.unhcr.org/en/situations/ukraine';

interface Fig {
  periodEnd: string;
  value: number;
  publishedOn: string;
  category: string;
  location: string;
  quote: string;
  quantifier: string;
  organisation: string;
  status: string;
}

// Real files as UNHCR and HDX publish them, imported with options only (the CLI flags, the API query, the form): no editing.
describe.each(DATABASES)('imports with defaults for missing columns on %s', (kind) => {
  let t: TestDb;
  let app: ReturnType<typeof testApp>;
  let editor: Awaited<ReturnType<typeof makeUser>>;
  const upload = (slug: string, body: Buffer | string, query: Record<string, string | string[]>) =>
    request(app)
      .post(`/api/v1/situations/${slug}/imports`)
      .query(query)
      .set(editor.auth)
      .set('Content-Type', 'text/csv')
      .send(Buffer.isBuffer(body) ? body : Buffer.from(body));
  const all = async (slug: string): Promise<Fig[]> => {
    const out: Fig[] = [];
    let cursor: string | null = null;
    do {
      const res: request.Response = await request(app)
        .get(`/api/v1/situations/${slug}/figures`)
        .query({ status: 'all', limit: '1000', ...(cursor ? { cursor } : {}) })
        .set(editor.auth)
        .expect(200);
      out.push(...res.body.data);
      cursor = res.body.nextCursor;
    } while (cursor);
    return out.sort((a, b) => a.periodEnd.localeCompare(b.periodEnd));
  };

  beforeAll(async () => {
    t = await freshDb(kind, { seed: true });
    app = testApp(t.storage);
    editor = await makeUser(t.storage, 'editor');
    for (const slug of ['ukraine-daily', 'ukraine-series', 'ukraine-dated'])
      await request(app).post('/api/v1/situations').set(editor.auth).send({ slug, title: slug, country: 'UKR', countryName: 'Ukraine', onsetDate: '2022-02-24' }).expect(201);
  });
  afterAll(() => t.cleanup());

  test('when the UNHCR daily file (data_date,individuals,daily) is imported with --map, --category and provenance flags, then its 95 rows become refugee figures dated by their own day', async () => {
    const query = { map: ['data_date=periodEnd', 'individuals=value'], category: 'refugees', organisation: 'UNHCR', sourceUrl: UNHCR_URL, quantifier: 'exact', commit: 'true' };
    const res = await upload('ukraine-daily', DAILY, query).expect(201);
    expect(res.body).toMatchObject({ layout: 'mapped', rowsRead: 95, figuresInFile: 95, newFigures: 95, errorCount: 0, committed: true });
    const figs = await all('ukraine-daily');
    expect(figs).toHaveLength(95);
    expect(figs[0]).toMatchObject({
      periodEnd: '2022-02-24',
      value: 79209,
      publishedOn: '2022-02-24',
      category: 'refugees',
      location: 'UKR',
      organisation: 'UNHCR',
      quantifier: 'exact',
      status: 'draft',
    });
    expect(figs[0]!.quote).toBe('UNHCR: 79,209 refugees in UKR as of 2022-02-24 (file row 2, column individuals)');
    expect(figs[1]).toMatchObject({ periodEnd: '2022-02-25', value: 179525, publishedOn: '2022-02-25' });
    // the file's last row: 2022-05-29,6801987,30024
    expect(figs[94]).toMatchObject({ periodEnd: '2022-05-29', value: 6801987, publishedOn: '2022-05-29' });
    expect(figs.every((f) => f.publishedOn === f.periodEnd)).toBe(true);
    const again = await upload('ukraine-daily', DAILY, query).expect(201);
    expect(again.body).toMatchObject({ newFigures: 0, duplicates: 95 });
  });

  test('when --published-on is given, then it dates every row instead', async () => {
    const res = await upload('ukraine-dated', DAILY, {
      map: ['data_date=periodEnd', 'individuals=value'],
      category: 'refugees',
      organisation: 'UNHCR',
      sourceUrl: UNHCR_URL,
      publishedOn: '2022-05-30',
      commit: 'true',
    }).expect(201);
    expect(res.body.newFigures).toBe(95);
    const figs = await all('ukraine-dated');
    expect(new Set(figs.map((f) => f.publishedOn))).toEqual(new Set(['2022-05-30']));
  });

  test('when the HDX series file (odd #affected+date+refugees tag) is imported with --organisation and --source-url only, then 470 refugee figures from 85,000 to 5,982,920', async () => {
    const res = await upload('ukraine-series', SERIES, { organisation: 'UNHCR', sourceUrl: UNHCR_URL, commit: 'true' }).expect(201);
    expect(res.body).toMatchObject({ layout: 'hxl', hxl: true, rowsRead: 470, newFigures: 470, errorCount: 0 });
    const figs = await all('ukraine-series');
    expect(figs).toHaveLength(470);
    expect(figs[0]).toMatchObject({ periodEnd: '2022-04-25', value: 85000, publishedOn: '2022-04-25', category: 'refugees', location: 'UKR' });
    expect(figs[469]).toMatchObject({ periodEnd: '2024-03-12', value: 5982920, publishedOn: '2024-03-12' });
  });

  test('when a default is not one of the allowed values, then 400 names the option and nothing is stored', async () => {
    const res = await upload('ukraine-daily', DAILY, {
      map: ['data_date=periodEnd', 'individuals=value'],
      category: 'refugee',
      unit: 'families',
      organisation: 'UNHCR',
      sourceUrl: UNHCR_URL,
      commit: 'true',
    }).expect(400);
    expect(res.body.error.fields.map((f: { path: string }) => f.path).sort()).toEqual(['category', 'unit']);
    expect(await all('ukraine-daily')).toHaveLength(95);
  });

  test('when a mapped file has no category and none is given, then the preview names the missing category', async () => {
    const res = await upload('ukraine-daily', DAILY, { map: ['data_date=periodEnd', 'individuals=value'], organisation: 'UNHCR', sourceUrl: UNHCR_URL }).expect(200);
    expect(res.body.errors[0]).toMatchObject({ row: 1, column: 'category', message: expect.stringMatching(/no category column .* no default/) });
  });
});
