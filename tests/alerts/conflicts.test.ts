import request from 'supertest';
import { DATABASES, freshDb, makeUser, type TestDb } from '../helpers/db';
import { alertApp, SLUG } from './helpers';

type Alert = { ruleId: number; observedOn: string; location: string; detail: { role: string; low: number; high: number } };

describe.each(DATABASES)('conflict alerts after many old conflicts on %s', (kind) => {
  let t: TestDb;
  let x: ReturnType<typeof alertApp>;
  let admin: Awaited<ReturnType<typeof makeUser>>;

  const alertsOf = async (ruleId: number): Promise<Alert[]> =>
    (await request(x.app).get(`/api/v1/situations/${SLUG}/alerts?limit=200`).expect(200)).body.data.filter((a: Alert) => a.ruleId === ruleId);

  /** Approved figures written straight to the table (no evaluation runs), copies of a seeded one at Syria. */
  const insertFigures = async (rows: { periodEnd: string; value: number }[]) => {
    const base = await t.storage.db
      .selectFrom('figures as f')
      .innerJoin('situations as s', 's.id', 'f.situation_id')
      .selectAll('f')
      .where('s.slug', '=', SLUG)
      .where('f.location_code', '=', 'SYR')
      .where('f.category', '=', 'new_displacement')
      .where('f.status', '=', 'approved')
      .orderBy('f.id')
      .executeTakeFirstOrThrow();
    const { id: _id, ...row } = base;
    for (const r of rows)
      await t.storage.db
        .insertInto('figures')
        .values({
          ...row,
          location_role: 'origin',
          period_start: null,
          period_end: r.periodEnd,
          published_on: r.periodEnd,
          value: r.value,
          reported_value: r.value,
          external_id: null,
        })
        .execute();
  };

  beforeAll(async () => {
    t = await freshDb(kind, { seed: true });
    x = alertApp(t.storage);
    admin = await makeUser(t.storage, 'admin');
  });
  afterAll(async () => {
    x.alerts.stop();
    await x.alerts.settled();
    await t.cleanup();
  });

  test('when 60 older groups conflict and one write makes a new conflict, then the new one fires at once and the old ones each fire once, newest first', async () => {
    const rule = (
      await request(x.app).post(`/api/v1/situations/${SLUG}/alert-rules`).set(admin.auth).send({ kind: 'conflict', category: 'new_displacement', percent: 40 }).expect(201)
    ).body as { id: number };
    await x.alerts.settled();
    // The seed's own conflict (5 December 2024, 57 % apart) fires when the rule is created.
    expect((await alertsOf(rule.id)).map((a) => a.observedOn)).toEqual(['2024-12-05']);

    // 60 conflicting groups in 2023 (1,000 and 5,000 people each day), more than one evaluation fires (50), and one
    // figure of 100,000 on 6 December 2024 with nothing to contradict it yet.
    const old = Array.from({ length: 60 }, (_, i) => new Date(Date.UTC(2023, 0, 1 + i)).toISOString().slice(0, 10));
    await insertFigures([
      ...old.flatMap((d) => [
        { periodEnd: d, value: 1000 },
        { periodEnd: d, value: 5000 },
      ]),
      { periodEnd: '2024-12-06', value: 100000 },
    ]);

    await request(x.app)
      .post(`/api/v1/situations/${SLUG}/figures`)
      .set(admin.auth)
      .send({
        location: 'SYR',
        locationRole: 'origin',
        category: 'new_displacement',
        periodEnd: '2024-12-06',
        value: 300000,
        quantifier: 'exact',
        organisation: 'OCHA',
        sourceUrl: 'https://reliefweb.int/report/example',
        publishedOn: '2024-12-06',
        quote: '300000 people as of 2024-12-06.',
        status: 'approved',
      })
      .expect(201);
    await x.alerts.settled();
    const afterWrite = await alertsOf(rule.id);
    expect(afterWrite.map((a) => a.observedOn)).toEqual(['2024-12-06', '2024-12-05']);
    expect(afterWrite[0]).toMatchObject({ location: 'SYR', detail: { role: 'origin', low: 100000, high: 300000 } });

    // A full evaluation fires the 50 newest of the old groups, the next one the 10 oldest, then nothing is left.
    expect((await x.alerts.evaluate(SLUG)).map((a) => a.observedOn).sort()).toEqual(old.slice(10));
    expect((await x.alerts.evaluate(SLUG)).map((a) => a.observedOn).sort()).toEqual(old.slice(0, 10));
    expect(await x.alerts.evaluate(SLUG)).toEqual([]);
    const all = await alertsOf(rule.id);
    expect(all).toHaveLength(62);
    expect(new Set(all.map((a) => `${a.observedOn}|${a.detail.role}`)).size).toBe(62);

    // Once every old one has fired, a new conflict found by a full evaluation (not a write) fires too, and only it.
    await insertFigures([
      { periodEnd: '2024-12-07', value: 10 },
      { periodEnd: '2024-12-07', value: 20 },
    ]);
    expect((await x.alerts.evaluate(SLUG)).map((a) => a.observedOn)).toEqual(['2024-12-07']);
    await x.alerts.settled();
  });
});
