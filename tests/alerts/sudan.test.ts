import fs from 'node:fs';
import request from 'supertest';
import { DATABASES, freshDb, makeUser, type TestDb } from '../helpers/db';
import { realFile } from '../helpers/fixtures';
import { alertApp } from './helpers';

const SUDAN = 'sudan-2023';

describe.each(DATABASES)('alerts on the real Sudan DTM file on %s', (kind) => {
  let t: TestDb;
  let x: ReturnType<typeof alertApp>;
  let editor: Awaited<ReturnType<typeof makeUser>>;

  beforeAll(async () => {
    t = await freshDb(kind, { seed: true });
    x = alertApp(t.storage, {}, '2024-04-20T00:00:00Z');
    editor = await makeUser(t.storage, 'admin'); // importing as approved needs an admin
    await request(x.app)
      .post('/api/v1/situations')
      .set(editor.auth)
      .send({ slug: SUDAN, title: 'Sudan', country: 'SDN', countryName: 'Sudan', onsetDate: '2023-04-15' })
      .expect(201);
    await x.alerts.settled();
  });
  afterAll(async () => {
    x.alerts.stop();
    await t.cleanup();
  });

  test('when the weekly admin 0 IDP file is imported as approved, then a one-year-high rule with a 50 % rise fires once, where the series first meets it', async () => {
    const rule = (
      await request(x.app)
        .post(`/api/v1/situations/${SUDAN}/alert-rules`)
        .set(editor.auth)
        .send({ kind: 'yearly_high', location: 'SDN', category: 'idps', percent: 50 })
        .expect(201)
    ).body;
    await x.alerts.settled();
    const csv = fs.readFileSync(realFile('iom-dtm', 'subset_SDN_armed_clashes_weekly_admin0.csv'));
    await request(x.app)
      .post(`/api/v1/situations/${SUDAN}/imports`)
      .query({ commit: 'true', status: 'approved' })
      .set(editor.auth)
      .set('Content-Type', 'text/csv')
      .send(csv)
      .expect(201);
    await x.alerts.settled();
    const fired = (await request(x.app).get(`/api/v1/situations/${SUDAN}/alerts`).expect(200)).body.data.filter((a: { ruleId: number }) => a.ruleId === rule.id);
    expect(fired).toHaveLength(1);
    // Checked against the series by hand: the first point that is the highest of its year and 50 % above the year's lowest.
    const points: { date: string; value: number }[] = (await request(x.app).get(`/api/v1/situations/${SUDAN}/series?category=idps`).expect(200)).body.points;
    expect(points).toHaveLength(45);
    const meets = (i: number) => {
      const year = points.slice(0, i).filter((p) => Date.parse(p.date) >= Date.parse(points[i].date) - 365 * 86_400_000);
      return year.length > 0 && points[i].value >= Math.max(...year.map((p) => p.value)) && points[i].value >= 1.5 * Math.min(...year.map((p) => p.value));
    };
    const i = points.findIndex((p) => p.date === fired[0].observedOn);
    expect(i).toBeGreaterThan(0);
    expect(fired[0].value).toBe(points[i].value);
    expect(meets(i)).toBe(true);
    expect(meets(i - 1)).toBe(false);
    // Every later point keeps the same crossing: the series only rises to new highs from there (else the rule would fire again).
    expect(points.slice(i).every((_p, k) => meets(i + k))).toBe(true);
    // Importing the same file again changes nothing and fires nothing.
    await request(x.app)
      .post(`/api/v1/situations/${SUDAN}/imports`)
      .query({ commit: 'true', status: 'approved' })
      .set(editor.auth)
      .set('Content-Type', 'text/csv')
      .send(csv)
      .expect(201);
    await x.alerts.settled();
    expect((await request(x.app).get(`/api/v1/situations/${SUDAN}/alerts`).expect(200)).body.data.filter((a: { ruleId: number }) => a.ruleId === rule.id)).toHaveLength(1);
  });
});
