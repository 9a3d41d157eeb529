import request from 'supertest';
import fs from 'node:fs';
import { DATABASES, freshDb, makeUser, testApp, type TestDb } from '../helpers/db';
import { realFile } from '../helpers/fixtures';
import { REAL_SERIES } from '../helpers/real-series';

const SLUG = 'syria-2024-offensive';

describe.each(DATABASES)('statistics API on %s', (kind) => {
  let t: TestDb;
  let app: ReturnType<typeof testApp>;
  beforeAll(async () => {
    t = await freshDb(kind, { seed: true });
    app = testApp(t.storage);
  });
  afterAll(() => t.cleanup());

  test('when the Syria projections are asked as of 2024-12-06 for 6 days, then a range for 2024-12-12 comes back with WFP 1.5 million as a scenario, not in the range, and a note in words', async () => {
    const res = await request(app).get(`/api/v1/situations/${SLUG}/projections?asOf=2024-12-06&horizon=6`).expect(200);
    expect(res.body).toMatchObject({ situation: SLUG, location: 'SYR', category: 'new_displacement', asOf: '2024-12-06' });
    const last = res.body.range.points.at(-1);
    expect(last.date).toBe('2024-12-12');
    expect(last.low).toBeLessThanOrEqual(last.central);
    expect(last.central).toBeLessThanOrEqual(last.high);
    expect(last.low).toBeGreaterThanOrEqual(370000); // a running total never projects below its last value
    expect(res.body.ceiling).toMatchObject({ value: 1500000, organisation: 'WFP' });
    expect(res.body.range).toMatchObject({
      method: 'combined',
      level: 0.8,
      horizonDays: 6,
      trackRecord: { horizonDays: 6, n: 0, baselines: { naive: { n: 0 }, drift8: { n: 0 } } },
    });
    expect(res.body.range.trackRecord.reason).toMatchObject({ code: 'no_track_record', message: expect.stringMatching(/needs 8 reports/) });
    expect(res.body.scenarios).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'ceiling', organisation: 'WFP', value: 1500000, label: 'WFP scenario: could reach 1.5 million' })]),
    );
    for (const sc of res.body.scenarios) if (sc.points) expect(sc.points[0]).toEqual({ date: '2024-12-06', value: 370000 });
    // The range is the same without the scenario: it never widens it. It passes the ceiling, and says so.
    const editor = await makeUser(t.storage, 'editor');
    const wfp = res.body.scenarios.find((x: { kind: string }) => x.kind === 'ceiling').scenarioId;
    await request(app).delete(`/api/v1/situations/${SLUG}/scenarios/${wfp}`).set(editor.auth).expect(200);
    const bare = await request(app).get(`/api/v1/situations/${SLUG}/projections?asOf=2024-12-06&horizon=6`).expect(200);
    await request(app).post(`/api/v1/situations/${SLUG}/scenarios/${wfp}/restore`).set(editor.auth).expect(200);
    expect(bare.body.scenarios.some((x: { kind: string }) => x.kind === 'ceiling')).toBe(false);
    expect(bare.body.range.points).toEqual(res.body.range.points);
    expect(last.high).toBeGreaterThan(1500000);
    expect(res.body.range.notes).toEqual([
      expect.objectContaining({
        code: 'high_above_ceiling',
        organisation: 'WFP',
        ceiling: 1500000,
        message: expect.stringMatching(/^The high end of the 80% range passes WFP's quoted ceiling of 1,500,000 on December \d+, 2024\.$/),
      }),
    ]);
    expect(res.body.methods.logistic.points.at(-1).central).toBeLessThanOrEqual(1500000);
    expect(res.body.thresholds.map((x: { threshold: number }) => x.threshold)).toContain(1500000);
    const series = await request(app).get(`/api/v1/situations/${SLUG}/series`).expect(200);
    expect(series.body.points.map((p: { date: string; value: number }) => [p.date, p.value])).toEqual([
      ['2024-11-28', 14000],
      ['2024-11-30', 48500],
      ['2024-12-05', 178000],
      ['2024-12-06', 370000],
    ]);
    expect(series.body.points.every((p: { value: number }) => p.value !== 1500000)).toBe(true);
    // WFP's 280,000 is triangulation: it widens the band but never builds the series.
    expect(series.body.band.find((b: { date: string }) => b.date === '2024-12-05')).toMatchObject({ low: 178000, high: 280000 });
    expect(series.body.points[0]).toMatchObject({ quantifier: 'more_than', bound: 'lower' });
  });

  test('when asOf is before enough reports exist, then projections answer with reasons instead of numbers', async () => {
    const res = await request(app).get(`/api/v1/situations/${SLUG}/projections?asOf=2024-11-30`).expect(200);
    expect(res.body.methods.linear.points).toBeNull();
    expect(res.body.methods.linear.reason).toEqual({ code: 'too_few_points', needed: 3, got: 2, message: 'needs at least 3 reports on different dates; there are 2' });
    const trend = await request(app).get(`/api/v1/situations/${SLUG}/trend`).expect(200);
    expect(trend.body.growthRate.value).toBeGreaterThan(0);
    expect(trend.body.doublingTimeDays.value).toBeGreaterThan(0);
    const empty = await request(app).get(`/api/v1/situations/${SLUG}/trend?location=SY-HM`).expect(200);
    expect(empty.body.growthRate).toEqual({ value: null, reason: { code: 'no_points', message: 'no approved figures yet' } });
  });

  test('when a figure is approved, then cached results are dropped and the series shows it', async () => {
    const [editor, admin] = await Promise.all([makeUser(t.storage, 'editor'), makeUser(t.storage, 'admin')]);
    await request(app).get(`/api/v1/situations/${SLUG}/series`).expect(200);
    const f = await request(app)
      .post(`/api/v1/situations/${SLUG}/figures`)
      .set(editor.auth)
      .send({
        location: 'SYR',
        category: 'new_displacement',
        periodEnd: '2024-12-08',
        value: 880000,
        quantifier: 'more_than',
        organisation: 'OCHA',
        sourceUrl: 'https://example.org/flash-update-4',
        publishedOn: '2024-12-08',
        quote: 'At least 880,000 people have been displaced.',
      })
      .expect(201);
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

/**
 * The real DTM series through the API, as a coordinator would have seen them: `/projections?asOf=` at every past
 * round, checked against what was reported `horizon` days later (interpolated between rounds). SQLite only: it
 * makes a few hundred requests, and the numbers do not depend on the database.
 */
describe('real DTM series through the API with asOf at every past round (sqlite)', () => {
  let t: TestDb;
  let app: ReturnType<typeof testApp>;
  beforeAll(async () => {
    t = await freshDb('sqlite');
    app = testApp(t.storage);
    const editor = await makeUser(t.storage, 'admin'); // importing as approved needs an admin
    for (const s of REAL_SERIES) {
      if (!s.file) continue;
      const country = s.file.slice(7, 10);
      await request(app)
        .post('/api/v1/situations')
        .set(editor.auth)
        .send({ slug: country.toLowerCase(), title: s.name, country, countryName: s.name, onsetDate: '2009-01-01' })
        .expect(201);
      await request(app)
        .post(`/api/v1/situations/${country.toLowerCase()}/imports`)
        .query({ commit: '1', status: 'approved' })
        .set(editor.auth)
        .set('Content-Type', 'text/csv')
        .send(fs.readFileSync(realFile('iom-dtm', s.file)))
        .expect(201);
    }
  });
  afterAll(() => t.cleanup());

  test.each(REAL_SERIES.filter((s) => s.file))(
    'when $name is projected $horizon days at every round, then the central beats both baselines and the range holds 70–90% of the time',
    async (s) => {
      const slug = s.file!.slice(7, 10).toLowerCase();
      const points = s.points();
      const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;
      const t = points.map((p) => day(p.date));
      const at = (d: number) => {
        const k = t.findIndex((x) => x >= d);
        return t[k] === d ? points[k].value : points[k - 1].value + ((points[k].value - points[k - 1].value) * (d - t[k - 1])) / (t[k] - t[k - 1]);
      };
      const err = { central: 0, naive: 0, drift8: 0 };
      let held = 0;
      let n = 0;
      for (let i = 7; i < points.length && t[i] + s.horizon <= t.at(-1)!; i++) {
        const res = await request(app).get(`/api/v1/situations/${slug}/projections`).query({ category: 'idps', horizon: s.horizon, asOf: points[i].date }).expect(200);
        const end = res.body.range.points.at(-1);
        expect(end.date).toBe(new Date((t[i] + s.horizon) * 86_400_000).toISOString().slice(0, 10));
        const actual = at(t[i] + s.horizon);
        err.central += Math.abs(actual - end.central) / actual;
        err.naive += Math.abs(actual - Math.max(0, res.body.range.components.naive)) / actual;
        err.drift8 += Math.abs(actual - Math.max(0, res.body.range.components.drift8)) / actual;
        if (actual >= end.low && actual <= end.high) held++;
        n++;
      }
      expect(n).toBe(s.n);
      expect(err.central).toBeLessThan(err.naive);
      expect(err.central).toBeLessThan(err.drift8);
      expect(held / n).toBeGreaterThanOrEqual(0.7);
      expect(held / n).toBeLessThanOrEqual(0.9);
      expect((err.central / n) * 100).toBeCloseTo(s.mape, 2);
      // The track record the API publishes today is exactly what those past answers give.
      const bt = await request(app).get(`/api/v1/situations/${slug}/backtest`).query({ category: 'idps', horizon: s.horizon }).expect(200);
      expect(bt.body.trackRecord).toMatchObject({ n: s.n, held });
      expect(bt.body.origins).toHaveLength(s.n);
      expect(bt.body.trackRecord.mape).toBeCloseTo((err.central / n) * 100, 8);
    },
  );
});
