import request from 'supertest';
import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import { Readable } from 'node:stream';
import { DATABASES, freshDb, makeUser, testApp, type TestDb } from '../helpers/db';
import { ImportsService } from '../../server/imports/imports.service';
import { AnalysisService } from '../../server/analysis/analysis.service';
import { ExportsService } from '../../server/exports/exports.service';
import { createI18n } from '../../server/i18n/i18n';

const SLUG = 'syria-2024-offensive';
const today = new Date().toISOString().slice(0, 10);
const rowsOf = (text: string) => parse(text.replace(/^\uFEFF/, ''), { columns: true, skip_empty_lines: true }) as Record<string, string>[];

describe.each(DATABASES)('CSV downloads on %s', (kind) => {
  let t: TestDb;
  let app: ReturnType<typeof testApp>;
  let editor: Awaited<ReturnType<typeof makeUser>>;
  beforeAll(async () => {
    t = await freshDb(kind, { seed: true });
    app = testApp(t.storage);
    editor = await makeUser(t.storage, 'editor');
  });
  afterAll(() => t.cleanup());

  test('when figures.csv is downloaded, then it has a dated file name, every approved figure with its provenance, and plain numbers', async () => {
    const res = await request(app).get(`/api/v1/situations/${SLUG}/export/figures.csv`).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="${SLUG}-figures-${today}.csv"`);
    const rows = rowsOf(res.text);
    expect(rows).toHaveLength(9);
    const wfp = rows.find((r) => r.organisation === 'WFP' && r.periodEnd === '2024-12-06')!;
    expect(wfp).toMatchObject({ value: '280000', location: 'SYR', locationName: 'Syrian Arab Republic', role: 'triangulation', status: 'approved', category: 'new_displacement' });
    expect(wfp.quote).toContain('280,000 people since November 27');
    expect(res.text.startsWith('\uFEFF')).toBe(false);
    expect(res.text).toContain('\r\n');
  });

  test('when hxl=1 and bom=1 are asked, then the HXL row sits under the header and the file starts with a BOM', async () => {
    const res = await request(app).get(`/situations/${SLUG}/export/figures.csv?hxl=1&bom=1`).expect(200);
    expect(res.text.startsWith('\uFEFF')).toBe(true);
    const lines = res.text.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0].split(',')[0]).toBe('id');
    expect(lines[1]).toMatch(/^#meta\+id,/);
    expect(lines[1]).toContain('#date+end');
  });

  test('when a quote or note looks like a formula, then the cell is neutralised with an apostrophe', async () => {
    const admin = await makeUser(t.storage, 'admin');
    await request(app)
      .post(`/api/v1/situations/${SLUG}/figures`)
      .set(admin.auth)
      .send({
        location: 'SY-HM',
        category: 'new_displacement',
        periodEnd: '2024-12-06',
        value: 1000,
        organisation: 'OCHA',
        status: 'approved',
        sourceUrl: 'https://example.org/x',
        publishedOn: '2024-12-06',
        quote: '=HYPERLINK("http://evil.example","click")',
        notes: '@SUM(A1:A9)',
        sourceTitle: '-2+3',
      })
      .expect(201);
    const rows = rowsOf((await request(app).get(`/api/v1/situations/${SLUG}/export/figures.csv`).expect(200)).text);
    const r = rows.find((x) => x.location === 'SY-HM')!;
    expect(r.quote).toBe(`'=HYPERLINK("http://evil.example","click")`);
    expect(r.notes).toBe("'@SUM(A1:A9)");
    expect(r.sourceTitle).toBe("'-2+3");
    expect(r.value).toBe('1000');
  });

  test('when a text holds quotes, commas, a line break and an astral character, then the file quotes it per RFC 4180 and reads back the same', async () => {
    const admin = await makeUser(t.storage, 'admin');
    const quote = 'He said "go", then\r\nleft 😀';
    await request(app)
      .post(`/api/v1/situations/${SLUG}/figures`)
      .set(admin.auth)
      .send({
        location: 'SY-HL',
        category: 'new_displacement',
        periodEnd: '2024-12-05',
        value: 2500,
        organisation: 'OCHA',
        status: 'approved',
        sourceUrl: 'https://example.org/y',
        publishedOn: '2024-12-05',
        quote,
        notes: 'one, two',
        sourceTitle: 'plain title',
      })
      .expect(201);
    const text = (await request(app).get(`/api/v1/situations/${SLUG}/export/figures.csv`).expect(200)).text;
    // Written by hand from RFC 4180: quotes doubled, the field in quotes; a field without quote, comma or line break as it is.
    expect(text).toContain(',"He said ""go"", then\r\nleft 😀",');
    expect(text).toContain(',"one, two",');
    expect(text).toContain(',plain title,');
    const r = rowsOf(text).find((x) => x.location === 'SY-HL')!;
    expect([r.quote, r.notes, r.sourceTitle, r.value]).toEqual([quote, 'one, two', 'plain title', '2500']);
  });

  test('when drafts are asked for, then only editors get them', async () => {
    await request(app).get(`/api/v1/situations/${SLUG}/export/figures.csv?status=all`).expect(403);
    const res = await request(app).get(`/api/v1/situations/${SLUG}/export/figures.csv?status=all`).set(editor.auth).expect(200);
    expect(rowsOf(res.text).length).toBeGreaterThanOrEqual(10);
  });

  test('when summary, series and projections are downloaded, then they hold the reconciled numbers', async () => {
    const summary = rowsOf((await request(app).get(`/api/v1/situations/${SLUG}/export/summary.csv`).expect(200)).text);
    const syr = summary.find((r) => r.location === 'SYR' && r.category === 'new_displacement')!;
    expect(syr).toMatchObject({ latestValue: '370000', latestDate: '2024-12-06', sourceCount: '2', locationName: 'Syrian Arab Republic' });
    expect(Number(syr.projectedLow)).toBeLessThanOrEqual(Number(syr.projectedCentral));
    expect(Number(syr.projectedCentral)).toBeLessThanOrEqual(Number(syr.projectedHigh));
    const series = rowsOf((await request(app).get(`/api/v1/situations/${SLUG}/export/series.csv`).expect(200)).text);
    expect(series.map((r) => [r.date, r.value, r.bandLow, r.bandHigh])).toEqual([
      ['2024-11-28', '14000', '14000', '14000'],
      ['2024-11-30', '48500', '48500', '48500'],
      ['2024-12-05', '178000', '178000', '280000'],
      ['2024-12-06', '370000', '280000', '370000'],
    ]);
    const proj = rowsOf((await request(app).get(`/api/v1/situations/${SLUG}/export/projections.csv?hxl=1&horizon=10`).expect(200)).text);
    expect(proj[0].kind).toMatch(/^#meta/);
    const published = proj.filter((r) => r.kind === 'published');
    expect(published).toHaveLength(11); // the last report and 10 days
    expect(published.at(-1)).toMatchObject({ method: 'combined', date: '2024-12-16' });
    for (const r of published) expect(Number(r.low80) <= Number(r.central) && Number(r.central) <= Number(r.high80)).toBe(true);
    // 4 reports: no track record yet (8 are needed), said with n = 0; the methods have none to list.
    expect(proj.filter((r) => r.kind === 'trackRecord').map((r) => [r.method, r.n])).toEqual([
      ['combined', '0'],
      ['naive', '0'],
      ['drift8', '0'],
    ]);
    expect(proj.find((r) => r.kind === 'scenario' && r.method === 'ceiling')).toMatchObject({ central: '1500000' });
    expect(proj.some((r) => r.kind === 'curve' && r.method === 'linear')).toBe(true);
  });

  test('when the definitions file or an unknown export is asked, then README.txt explains the columns and unknown names are 404', async () => {
    const readme = await request(app).get('/api/v1/export/README.txt').expect(200);
    expect(readme.headers['content-type']).toMatch(/^text\/plain/);
    for (const col of ['periodEnd', 'bandLow', 'projectedCentral', 'low80', 'trackRecordN', 'coverage80']) expect(readme.text).toContain(col);
    await request(app).get(`/api/v1/situations/${SLUG}/export/secrets.csv`).expect(404);
    await request(app).get(`/api/v1/situations/${SLUG}/export/figures.csv?hxl=maybe`).expect(400);
    await request(app).get('/api/v1/situations/nope/export/figures.csv').expect(404);
  });

  test('when figures.csv holds more rows than one read batch and a download stops early, then rows stream in id order and no read is left open', async () => {
    const before = rowsOf((await request(app).get(`/api/v1/situations/${SLUG}/export/figures.csv`).expect(200)).text).length;
    const header = 'location,category,periodStart,periodEnd,value,quantifier,organisation,sourceUrl,publishedOn,quote\n';
    const body = Array.from(
      { length: 4500 },
      (_, i) => `SY-HM,new_displacement,2024-11-27,2024-12-05,${100 + i},exact,OCHA,https://example.org/batch/${i},2024-12-06,"Row ${i}"\n`,
    ).join('');
    await new ImportsService(t.storage).commit(SLUG, () => Readable.from([header + body]), { filename: 'batch.csv', status: 'approved' }, { ...editor.user, role: 'admin' }); // importing as approved needs an admin
    const res = await request(app).get(`/api/v1/situations/${SLUG}/export/figures.csv`).expect(200);
    const rows = rowsOf(res.text);
    expect(rows).toHaveLength(before + 4500);
    const ids = rows.map((r) => Number(r.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(rows.filter((r) => r.sourceUrl.startsWith('https://example.org/batch/')).map((r) => Number(r.value))).toEqual(Array.from({ length: 4500 }, (_, i) => 100 + i));

    // A reader that stops after the first chunk (a dropped download) must end the database read it started.
    const openReads = async () => {
      if (kind === 'postgres') {
        const r = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where state like 'idle in transaction%' and query like 'fetch%'`.execute(t.storage.db);
        return r.rows[0].n;
      }
      // A write, then a checkpoint that must reset the WAL: an open reader makes it report busy.
      await t.storage.db.updateTable('situations').set({ updated_at: new Date().toISOString() }).where('slug', '=', SLUG).execute();
      const r = await sql<{ busy: number }>`pragma wal_checkpoint(truncate)`.execute(t.storage.db);
      return r.rows[0].busy;
    };
    const service = new ExportsService(t.storage, new AnalysisService(t.storage, { stalenessDays: 14, horizonDays: 30 }), createI18n('en'));
    const stream = await service.open(SLUG, { name: 'figures', hxl: false, bom: false, status: 'all' });
    const it = stream[Symbol.asyncIterator]();
    await it.next(); // header
    await it.next(); // first batch: the read is open now
    // pg_stat_activity can show the fetching backend a moment late on a loaded machine: look again for up to 2 s.
    const settled = async (want: number) => {
      for (let i = 0; i < 40 && (await openReads()) !== want; i++) await new Promise((r) => setTimeout(r, 50));
      return openReads();
    };
    try {
      expect(await settled(1)).toBe(1);
    } finally {
      await it.return!();
    }
    expect(await settled(0)).toBe(0);
  });
});
