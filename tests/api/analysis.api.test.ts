import request from 'supertest';
import { DATABASES, freshDb, makeUser, testApp, type TestDb } from '../helpers/db';

const SLUG = 'syria-2024-offensive';

describe.each(DATABASES)('statistics API on %s', (kind) => {
  let t: TestDb;
  let app: ReturnType<typeof testApp>;
  beforeAll(async () => {
    t = await freshDb(kind, { seed: true });
    app = testApp(t.storage);
  });
  afterAll(() => t.cleanup());

  test('when the Syria projections are asked as of 2024-12-06 for 6 days, then a range for 2024-12-12 comes back with WFP 1.5 million as a ceiling, not an observation', async () => {
    const res = await request(app).get(`/api/v1/situations/${SLUG}/projections?asOf=2024-12-06&horizon=6`).expect(200);
    expect(res.body).toMatchObject({ situation: SLUG, location: 'SYR', category: 'new_displacement', asOf: '2024-12-06' });
    const last = res.body.range.points.at(-1);
    expect(last.date).toBe('2024-12-12');
    expect(last.low).toBeLessThanOrEqual(last.central);
    expect(last.central).toBeLessThanOrEqual(last.high);
    expect(last.low).toBeGreaterThanOrEqual(370000); // a running total never projects below its last value
    expect(res.body.ceiling).toMatchObject({ value: 1500000, organisation: 'WFP' });
    expect(res.body.range.central.label).toEqual(expect.any(String));
    expect(res.body.methods.logistic.points.at(-1).central).toBeLessThanOrEqual(1500000);
    expect(res.body.thresholds.map((x: { threshold: number }) => x.threshold)).toContain(1500000);
    const series = await request(app).get(`/api/v1/situations/${SLUG}/series`).expect(200);
    expect(series.body.points.map((p: { date: string; value: number }) => [p.date, p.value])).toEqual([
      ['2024-11-28', 14000], ['2024-11-30', 48500], ['2024-12-05', 178000], ['2024-12-06', 370000],
    ]);
    expect(series.body.points.every((p: { value: number }) => p.value !== 1500000)).toBe(true);
    // WFP's 280,000 is triangulation: it widens the band but never builds the series.
    expect(series.body.band.find((b: { date: string }) => b.date === '2024-12-05')).toMatchObject({ low: 178000, high: 280000 });
    expect(series.body.points[0]).toMatchObject({ quantifier: 'more_than', bound: 'lower' });
  });

  test('when asOf is before enough reports exist, then projections answer with reasons instead of numbers', async () => {
    const res = await request(app).get(`/api/v1/situations/${SLUG}/projections?asOf=2024-11-30`).expect(200);
    expect(res.body.methods.linear.points).toBeNull();
    expect(res.body.methods.linear.reason).toMatch(/at least/);
    const trend = await request(app).get(`/api/v1/situations/${SLUG}/trend`).expect(200);
    expect(trend.body.growthRate.value).toBeGreaterThan(0);
    expect(trend.body.doublingTimeDays.value).toBeGreaterThan(0);
    const empty = await request(app).get(`/api/v1/situations/${SLUG}/trend?location=SY-HM`).expect(200);
    expect(empty.body.growthRate).toEqual({ value: null, reason: expect.any(String) });
  });

  test('when a figure is approved, then cached results are dropped and the series shows it', async () => {
    const [editor, admin] = await Promise.all([makeUser(t.storage, 'editor'), makeUser(t.storage, 'admin')]);
    await request(app).get(`/api/v1/situations/${SLUG}/series`).expect(200);
    const f = await request(app).post(`/api/v1/situations/${SLUG}/figures`).set(editor.auth).send({
      location: 'SYR', category: 'new_displacement', periodEnd: '2024-12-08', value: 880000, quantifier: 'more_than', organisation: 'OCHA',
      sourceUrl: 'https://example.org/flash-update-4', publishedOn: '2024-12-08', quote: 'At least 880,000 people have been displaced.',
    }).expect(201);
    const draft = await request(app).get(`/api/v1/situations/${SLUG}/series`).expect(200);
    expect(draft.body.points.at(-1).value).toBe(370000);
    await request(app).post(`/api/v1/figures/${f.body.id}/approve`).set(admin.auth).expect(200);
    const after = await request(app).get(`/api/v1/situations/${SLUG}/series`).expect(200);
    expect(after.body.points.at(-1)).toMatchObject({ date: '2024-12-08', value: 880000 });
    await request(app).delete(`/api/v1/figures/${f.body.id}`).set(editor.auth).expect(200);
    expect((await request(app).get(`/api/v1/situations/${SLUG}/series`).expect(200)).body.points.at(-1).value).toBe(370000);
  });

  test('when the query is wrong, then 400 names each field', async () => {
    const res = await request(app).get(`/api/v1/situations/${SLUG}/projections?horizon=0&asOf=2024-13-01&category=x&thresholds=a`).expect(400);
    expect(res.body.error.fields.map((f: { path: string }) => f.path).sort()).toEqual(['asOf', 'category', 'horizon', 'thresholds']);
    await request(app).get(`/api/v1/situations/${SLUG}/series?location=XX-YY`).expect(400);
    await request(app).get('/api/v1/situations/nope/series').expect(404);
  });
});
