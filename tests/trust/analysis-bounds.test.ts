import request from 'supertest';
import { DATABASES, freshDb, makeUser, testApp, type TestDb } from '../helpers/db';
import { todayIso } from '../../server/validation';
import { analyse, MAX_CURVE_DAYS } from '../../server/statistics/analyse';
import { MAX_RESULT_BYTES } from '../../server/analysis/analysis.service';

const SLUG = 'syria-2024-offensive';
const URL = `/api/v1/situations/${SLUG}/projections`;

describe.each(DATABASES)('analysis parameters are bounded on %s', (kind) => {
  let t: TestDb;
  let app: ReturnType<typeof testApp>;
  beforeAll(async () => {
    t = await freshDb(kind, { seed: true });
    app = testApp(t.storage);
  });
  afterAll(() => t.cleanup());

  test.each([
    ['asOf=9999-12-31', 'asOf', /after today/],
    ['asOf=2400-01-01', 'asOf', /after today/],
    ['asOf=1899-12-31', 'asOf', /before 1900-01-01/],
    ['asOf=0000-01-01', 'asOf', /./],
    ['horizon=100000', 'horizon', /at most 365/],
    ['horizon=0', 'horizon', /at least 1/],
    [`thresholds=${Array.from({ length: 11 }, (_, i) => i + 1).join(',')}`, 'thresholds', /at most 10/],
    ['thresholds=<400 nines>', 'thresholds', /./],
    ['thresholds=0', 'thresholds', /between 1 and/],
  ])('when an anonymous reader asks projections?%s, then 400 names %s', async (qs, field, message) => {
    const res = await request(app)
      .get(`${URL}?${qs.replace('<400 nines>', '9'.repeat(400))}`)
      .expect(400);
    expect(res.body.error.fields).toMatchObject([{ path: field, message: expect.stringMatching(message), code: expect.any(String) }]);
  });

  test('when the worst accepted parameters are sent (asOf today, horizon 365, 10 thresholds, a report from 1900), then time, memory, answer and stored analysis stay bounded', async () => {
    const [editor, admin] = await Promise.all([makeUser(t.storage, 'editor'), makeUser(t.storage, 'admin')]);
    // An old report makes the reconciled series and the gap to asOf as long as the date rules allow.
    const f = await request(app)
      .post(`/api/v1/situations/${SLUG}/figures`)
      .set(editor.auth)
      .send({
        location: 'SYR',
        category: 'new_displacement',
        periodStart: '1900-01-01',
        periodEnd: '1900-01-02',
        value: 10,
        organisation: 'OCHA',
        sourceUrl: 'https://example.org/old',
        publishedOn: '1900-01-03',
        quote: 'Ten people left.',
      })
      .expect(201);
    await request(app).post(`/api/v1/figures/${f.body.id}/approve`).set(admin.auth).expect(200);
    const thresholds = Array.from({ length: 10 }, (_, i) => (i + 1) * 100_000_000).join(',');
    const rss0 = process.memoryUsage().rss;
    const t0 = Date.now();
    for (const path of ['projections', 'series', 'trend']) {
      const res = await request(app).get(`/api/v1/situations/${SLUG}/${path}?asOf=${todayIso()}&horizon=365&thresholds=${thresholds}`).expect(200);
      expect(res.text.length).toBeLessThan(MAX_RESULT_BYTES);
    }
    // Generous bounds: before the fix this request aborted the process at the heap limit.
    expect(Date.now() - t0).toBeLessThan(60_000);
    expect(process.memoryUsage().rss - rss0).toBeLessThan(400 * 1024 * 1024);
    const rows = await t.storage.db.selectFrom('analysis_cache').select('result').execute();
    for (const r of rows) expect(r.result.length).toBeLessThanOrEqual(MAX_RESULT_BYTES);
  });

  test('when the last report is 126 years before asOf, then the daily curves still stop at the horizon after it (never more than MAX_CURVE_DAYS)', async () => {
    const [editor, admin] = await Promise.all([makeUser(t.storage, 'editor'), makeUser(t.storage, 'admin')]);
    for (const [day, value] of [
      ['1900-01-05', 100],
      ['1900-01-10', 200],
      ['1900-01-20', 400],
    ] as const) {
      const f = await request(app)
        .post(`/api/v1/situations/${SLUG}/figures`)
        .set(editor.auth)
        .send({
          location: 'SY-HM',
          category: 'idps',
          periodEnd: day,
          value,
          organisation: 'OCHA',
          sourceUrl: `https://example.org/${day}`,
          publishedOn: day,
          quote: `${value} people are displaced.`,
        })
        .expect(201);
      await request(app).post(`/api/v1/figures/${f.body.id}/approve`).set(admin.auth).expect(200);
    }
    const res = await request(app).get(`${URL}?location=SY-HM&category=idps&asOf=${todayIso()}&horizon=365`).expect(200);
    expect(res.text.length).toBeLessThan(MAX_RESULT_BYTES);
    for (const m of Object.values(res.body.methods) as { points: { date: string }[] | null }[]) {
      if (m.points) expect(m.points.length).toBeLessThanOrEqual(MAX_CURVE_DAYS + 1);
    }
    expect(res.body.range.points.at(-1).date).toBe('1901-01-20'); // 1900-01-20 + 365 days
  });

  test('when analyse() itself is asked for a horizon past MAX_CURVE_DAYS, then its curves stop there', () => {
    const points = [
      ['2024-01-01', 100],
      ['2024-01-05', 200],
      ['2024-01-10', 300],
      ['2024-01-20', 500],
    ] as const;
    const x = analyse({
      figures: points.map(([d, v], i) => ({
        id: i + 1,
        location: 'A',
        locationRole: 'unknown',
        category: 'idps',
        periodStart: null,
        periodEnd: d,
        value: v,
        valueLow: null,
        valueHigh: null,
        quantifier: 'exact',
        organisation: 'O',
        organisationReliability: 'high',
        publishedOn: d,
        role: 'recommended',
        status: 'approved',
        deletedAt: null,
      })),
      scenarios: [],
      locations: [{ code: 'A', name: 'A', parentCode: null, adminLevel: 0, isArea: false }],
      onset: '2024-01-01',
      location: 'A',
      category: 'idps',
      horizonDays: 1_000_000,
    });
    expect(x.input.horizonDays).toBe(MAX_CURVE_DAYS);
    expect(x.projections.range.points!.length).toBeLessThanOrEqual(MAX_CURVE_DAYS + 1);
  });
});
