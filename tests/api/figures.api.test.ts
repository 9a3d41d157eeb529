import request from 'supertest';
import { DATABASES, freshDb, makeUser, testApp, type TestDb } from '../helpers/db';

const SLUG = 'syria-2024-offensive';
const valid = () => ({
  location: 'SY-HL',
  locationRole: 'origin',
  category: 'new_displacement',
  periodStart: '2024-11-27',
  periodEnd: '2024-12-02',
  value: 50000,
  quantifier: 'approximately',
  organisation: 'OCHA',
  sourceUrl: 'https://reliefweb.int/report/example',
  publishedOn: '2024-12-02',
  quote: 'About 50,000 people have been displaced from Aleppo.',
});

describe.each(DATABASES)('figures API on %s', (kind) => {
  let t: TestDb;
  let app: ReturnType<typeof testApp>;
  let editor: Awaited<ReturnType<typeof makeUser>>;
  let editor2: Awaited<ReturnType<typeof makeUser>>;
  let viewer: Awaited<ReturnType<typeof makeUser>>;
  let admin: Awaited<ReturnType<typeof makeUser>>;

  beforeAll(async () => {
    t = await freshDb(kind, { seed: true });
    app = testApp(t.storage);
    [editor, editor2, viewer, admin] = await Promise.all([
      makeUser(t.storage, 'editor'),
      makeUser(t.storage, 'editor'),
      makeUser(t.storage, 'viewer'),
      makeUser(t.storage, 'admin'),
    ]);
  });
  afterAll(() => t.cleanup());

  const countFigures = async () =>
    Number(
      (
        await t.storage.db
          .selectFrom('figures')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  test('when the database is seeded, then the Syria situation lists WFP 280,000 with its quote and the 1.5 million ceiling scenario', async () => {
    const list = await request(app).get('/api/v1/situations').expect(200);
    expect(list.body.data.map((s: { slug: string }) => s.slug)).toContain(SLUG);
    const figs = await request(app).get(`/api/v1/situations/${SLUG}/figures?organisation=WFP`).expect(200);
    const wfp = figs.body.data.filter((f: { value: number }) => f.value === 280000);
    expect(wfp.length).toBe(2);
    expect(wfp.some((f: { quote: string }) => f.quote.includes('280,000 people since November 27'))).toBe(true);
    const all = await request(app).get(`/api/v1/situations/${SLUG}/figures`).expect(200);
    expect(all.body.data.every((f: { status: string }) => f.status === 'approved')).toBe(true);
    const range = all.body.data.find((f: { valueLow: number | null }) => f.valueLow === 60000);
    expect(range).toMatchObject({ value: 70000, valueHigh: 80000, location: 'SY-NES' });
    expect(all.body.data.some((f: { value: number }) => f.value === 1500000)).toBe(false);
    const sc = await request(app).get(`/api/v1/situations/${SLUG}/scenarios`).expect(200);
    expect(sc.body.data).toEqual([expect.objectContaining({ value: 1500000, kind: 'ceiling', organisation: 'WFP' })]);
  });

  test('when the database is seeded, then the seeded scenario and figures have their creation in the history, by the seed actor', async () => {
    const [wfp] = (await request(app).get(`/api/v1/situations/${SLUG}/scenarios`).expect(200)).body.data;
    const history = await request(app).get(`/api/v1/situations/${SLUG}/scenarios/${wfp.id}/history`).set(viewer.auth).expect(200);
    expect(history.body.data).toEqual([
      expect.objectContaining({ action: 'create', actor: 'seed@system', before: null, after: expect.objectContaining({ id: wfp.id, value: 1500000 }) }),
    ]);
    const [figure] = (await request(app).get(`/api/v1/situations/${SLUG}/figures?limit=1`).expect(200)).body.data;
    const figureHistory = await request(app).get(`/api/v1/figures/${figure.id}/history`).set(viewer.auth).expect(200);
    expect(figureHistory.body.data).toEqual([expect.objectContaining({ action: 'create', actor: 'seed@system', before: null })]);
  });

  test('when seeding runs again, then nothing is added', async () => {
    const { seed } = await import('../../server/seeding/seed');
    const before = await countFigures();
    expect(await seed(t.storage)).toEqual({ situations: 0, figures: 0, scenarios: 0 });
    expect(await countFigures()).toBe(before);
  });

  test('when writing without a token, with a viewer token, or with an editor token, then 401, 403, 201', async () => {
    await request(app).post(`/api/v1/situations/${SLUG}/figures`).send(valid()).expect(401);
    await request(app).post(`/api/v1/situations/${SLUG}/figures`).set('Authorization', 'Bearer nonsense').send(valid()).expect(401);
    await request(app).post(`/api/v1/situations/${SLUG}/figures`).set(viewer.auth).send(valid()).expect(403);
    const res = await request(app).post(`/api/v1/situations/${SLUG}/figures`).set(editor.auth).send(valid()).expect(201);
    expect(res.body).toMatchObject({ value: 50000, status: 'draft', version: 1, createdBy: editor.user.email, periodStart: '2024-11-27' });
    expect(res.headers.location).toBe(`/api/v1/figures/${res.body.id}`);
  });

  const invalid: [string, Record<string, unknown>, string][] = [
    ['a negative value', { value: -5 }, 'value'],
    ['a fractional value', { value: 10.5 }, 'value'],
    ['a string value', { value: '5000' }, 'value'],
    ['valueLow above value', { valueLow: 60000 }, 'valueLow'],
    ['valueHigh below value', { valueHigh: 40000 }, 'valueHigh'],
    ['households without a household size', { unit: 'households', reportedValue: 1000, value: undefined }, 'householdSize'],
    ['a flow ending before it starts', { periodStart: '2024-12-05' }, 'periodStart'],
    ['a stock with a period start', { category: 'idps', periodStart: '2024-11-27' }, 'periodStart'],
    ['a stock without an as-of date', { category: 'idps', periodStart: undefined, periodEnd: undefined }, 'periodEnd'],
    ['a date after today', { periodEnd: '2999-01-01' }, 'periodEnd'],
    ['an impossible date', { publishedOn: '2024-02-30' }, 'publishedOn'],
    ['no quote', { quote: '   ' }, 'quote'],
    ['a missing quote', { quote: undefined }, 'quote'],
    ['a non-http source URL', { sourceUrl: 'javascript:alert(1)' }, 'sourceUrl'],
    ['an unknown category', { category: 'evacuees' }, 'category'],
    ['an unknown quantifier', { quantifier: 'about' }, 'quantifier'],
    ['an unknown field', { colour: 'red' }, '(body)'],
    ['an unknown location', { location: 'SY-XX' }, 'location'],
    ['an unknown organisation', { organisation: 'Nobody' }, 'organisation'],
    ['control characters in notes', { notes: 'a\u0000b' }, 'notes'],
  ];
  test.each(invalid)('when the figure has %s, then 400 names the field and nothing is stored', async (_label, change, field) => {
    const before = await countFigures();
    const body = { ...valid(), ...change };
    for (const [k, v] of Object.entries(change)) if (v === undefined) delete (body as Record<string, unknown>)[k];
    const res = await request(app).post(`/api/v1/situations/${SLUG}/figures`).set(editor.auth).send(body).expect(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.fields.map((f: { path: string }) => f.path)).toContain(field);
    expect(await countFigures()).toBe(before);
  });

  test('when the location belongs to another country, then 400 on location', async () => {
    await request(app)
      .post('/api/v1/situations')
      .set(editor.auth)
      .send({ slug: `sudan-${kind}`, title: 'Sudan', country: 'SDN', countryName: 'Sudan', onsetDate: '2023-04-15' })
      .expect(201);
    const before = await countFigures();
    const res = await request(app).post(`/api/v1/situations/sudan-${kind}/figures`).set(editor.auth).send(valid()).expect(400);
    expect(res.body.error.fields).toMatchObject([{ path: 'location', message: expect.stringContaining('not in the situation'), code: 'location_other_country' }]);
    expect(await countFigures()).toBe(before);
  });

  test('when a figure is given in households, then value holds people and the reported number is kept', async () => {
    const body = { ...valid(), unit: 'households', reportedValue: 30000, householdSize: 3.33 };
    delete (body as Record<string, unknown>).value;
    const res = await request(app).post(`/api/v1/situations/${SLUG}/figures`).set(editor.auth).send(body).expect(201);
    expect(res.body).toMatchObject({ unit: 'households', reportedValue: 30000, householdSize: 3.33, value: 99900 });
  });

  test('when an edit is based on a stale version, then 409 carries the current record and nothing changes', async () => {
    const created = (await request(app).post(`/api/v1/situations/${SLUG}/figures`).set(editor.auth).send(valid()).expect(201)).body;
    const ok = await request(app).patch(`/api/v1/figures/${created.id}`).set(editor.auth).send({ version: 1, value: 52000 }).expect(200);
    expect(ok.body).toMatchObject({ value: 52000, reportedValue: 52000, version: 2 });
    const stale = await request(app).patch(`/api/v1/figures/${created.id}`).set(editor2.auth).send({ version: 1, value: 99999 }).expect(409);
    expect(stale.body.error.code).toBe('version_conflict');
    expect(stale.body.error.current).toMatchObject({ id: created.id, value: 52000, version: 2 });
    const now = await request(app).get(`/api/v1/figures/${created.id}`).set(editor.auth).expect(200);
    expect(now.body.value).toBe(52000);
    const bad = await request(app).patch(`/api/v1/figures/${created.id}`).set(editor.auth).send({ version: 2, valueLow: 60000 }).expect(400);
    expect(bad.body.error.fields[0].path).toBe('valueLow');
    await request(app).patch(`/api/v1/figures/${created.id}`).set(editor.auth).send({ value: 1 }).expect(400);
  });

  test('when a figure is deleted, then it reads as 404, restore brings it back unchanged, and history lists every change', async () => {
    const created = (await request(app).post(`/api/v1/situations/${SLUG}/figures`).set(editor.auth).send(valid()).expect(201)).body;
    const approved = (await request(app).post(`/api/v1/figures/${created.id}/approve`).set(editor2.auth).expect(200)).body;
    await request(app).delete(`/api/v1/figures/${created.id}`).set(editor.auth).expect(200);
    await request(app).get(`/api/v1/figures/${created.id}`).expect(404);
    await request(app).get(`/api/v1/figures/${created.id}`).set(editor.auth).expect(404);
    const list = await request(app).get(`/api/v1/situations/${SLUG}/figures?limit=1000`).expect(200);
    expect(list.body.data.some((f: { id: number }) => f.id === created.id)).toBe(false);
    const restored = (await request(app).post(`/api/v1/figures/${created.id}/restore`).set(editor.auth).expect(200)).body;
    const strip = (f: Record<string, unknown>) => {
      const { version: _v, updatedAt: _u, updatedBy: _b, deletedAt: _d, ...rest } = f;
      return rest;
    };
    expect(strip(restored)).toEqual(strip(approved));
    expect(restored.deletedAt).toBeNull();
    await request(app).post(`/api/v1/figures/${created.id}/restore`).set(editor.auth).expect(409);
    const h = await request(app).get(`/api/v1/figures/${created.id}/history`).set(viewer.auth).expect(200);
    expect(h.body.data.map((e: { action: string }) => e.action)).toEqual(['create', 'approve', 'delete', 'restore']);
    expect(h.body.data[0]).toMatchObject({ actor: editor.user.email, before: null, after: expect.objectContaining({ value: 50000 }) });
    expect(h.body.data[1]).toMatchObject({
      actor: editor2.user.email,
      before: expect.objectContaining({ status: 'draft' }),
      after: expect.objectContaining({ status: 'approved' }),
    });
    await request(app).get(`/api/v1/figures/${created.id}/history`).expect(401);
  });

  test('when the author approves their own figure, then 403; another editor or an admin may', async () => {
    const a = (await request(app).post(`/api/v1/situations/${SLUG}/figures`).set(editor.auth).send(valid()).expect(201)).body;
    const denied = await request(app).post(`/api/v1/figures/${a.id}/approve`).set(editor.auth).expect(403);
    expect(denied.body.error.message).toMatch(/other than the last person who changed what it says/);
    await request(app).post(`/api/v1/figures/${a.id}/approve`).set(viewer.auth).expect(403);
    await request(app).post(`/api/v1/figures/${a.id}/approve`).set(editor2.auth).expect(200);
    await request(app).post(`/api/v1/figures/${a.id}/approve`).set(editor2.auth).expect(409);
    const b = (await request(app).post(`/api/v1/situations/${SLUG}/figures`).set(admin.auth).send(valid()).expect(201)).body;
    await request(app).post(`/api/v1/figures/${b.id}/approve`).set(admin.auth).expect(200);
    await request(app)
      .post(`/api/v1/situations/${SLUG}/figures`)
      .set(editor.auth)
      .send({ ...valid(), status: 'approved' })
      .expect(403);
  });

  test('when an approved figure’s value is edited by an editor, then it goes back to draft for review', async () => {
    const a = (await request(app).post(`/api/v1/situations/${SLUG}/figures`).set(editor.auth).send(valid()).expect(201)).body;
    const ap = (await request(app).post(`/api/v1/figures/${a.id}/approve`).set(editor2.auth).expect(200)).body;
    const notes = (await request(app).patch(`/api/v1/figures/${a.id}`).set(editor.auth).send({ version: ap.version, notes: 'typo fixed' }).expect(200)).body;
    expect(notes.status).toBe('approved');
    const changed = (await request(app).patch(`/api/v1/figures/${a.id}`).set(editor.auth).send({ version: notes.version, value: 51000 }).expect(200)).body;
    expect(changed.status).toBe('draft');
    await request(app).patch(`/api/v1/figures/${a.id}`).set(editor.auth).send({ version: changed.version, status: 'approved' }).expect(400);
  });

  test('when listing with a small limit, then the cursor pages through every figure exactly once', async () => {
    const all = (await request(app).get(`/api/v1/situations/${SLUG}/figures?limit=1000&status=all`).set(editor.auth).expect(200)).body.data;
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const res: request.Response = await request(app)
        .get(`/api/v1/situations/${SLUG}/figures`)
        .query({ limit: 3, status: 'all', ...(cursor ? { cursor } : {}) })
        .set(editor.auth)
        .expect(200);
      seen.push(...res.body.data.map((f: { id: number }) => f.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.map((f: { id: number }) => f.id));
    await request(app).get(`/api/v1/situations/${SLUG}/figures?cursor=garbage`).expect(400);
    await request(app).get(`/api/v1/situations/${SLUG}/figures?status=draft`).expect(403);
  });

  test('when filtering by location, category, organisation and dates, then only matching approved figures come back', async () => {
    const res = await request(app)
      .get(`/api/v1/situations/${SLUG}/figures`)
      .query({ location: 'SYR', category: 'new_displacement', organisation: 'OCHA', from: '2024-12-01', to: '2024-12-06' })
      .expect(200);
    expect(res.body.data.map((f: { value: number }) => f.value).sort()).toEqual([178000, 370000]);
    const bad = await request(app).get(`/api/v1/situations/${SLUG}/figures?category=nope&from=12/01/2024`).expect(400);
    expect(bad.body.error.fields.map((f: { path: string }) => f.path).sort()).toEqual(['category', 'from']);
  });

  test('when reads are not public, then anonymous reads get 401 and a viewer token reads', async () => {
    const closed = testApp(t.storage, { PUBLIC_READ: 'false' });
    await request(closed).get('/api/v1/situations').expect(401);
    await request(closed).get('/api/v1/situations').set(viewer.auth).expect(200);
  });

  test('when exchanging email and password for a token, then a wrong password is 401 and the token works', async () => {
    await request(app).post('/api/v1/auth/tokens').send({ email: editor.user.email, password: 'wrong password' }).expect(401);
    const res = await request(app).post('/api/v1/auth/tokens').send({ email: editor.user.email, password: editor.password, label: 'laptop' }).expect(201);
    expect(res.body.token).toMatch(/^dt_/);
    const me = await request(app).get('/api/v1/me').set('Authorization', `Bearer ${res.body.token}`).expect(200);
    expect(me.body.email).toBe(editor.user.email);
    const stored = await t.storage.db.selectFrom('api_tokens').select('token_hash').execute();
    expect(stored.some((r) => r.token_hash === res.body.token)).toBe(false);
  });

  test('when creating scenarios and organisations, then they validate and are listed', async () => {
    await request(app).post(`/api/v1/situations/${SLUG}/scenarios`).set(editor.auth).send({ organisation: 'OCHA', kind: 'guess', value: 1 }).expect(400);
    const sc = await request(app)
      .post(`/api/v1/situations/${SLUG}/scenarios`)
      .set(editor.auth)
      .send({
        organisation: 'OCHA',
        kind: 'planning_figure',
        value: 1000000,
        horizonDate: '2025-03-31',
        publishedOn: '2024-12-10',
        sourceUrl: 'https://example.org/plan',
        quote: 'Partners plan for up to 1 million people.',
      })
      .expect(201);
    expect(sc.body).toMatchObject({ location: 'SYR', category: 'new_displacement', kind: 'planning_figure', deletedAt: null });
    // A horizon before the publication date, or centuries after it, is refused by name.
    const plan = { organisation: 'OCHA', kind: 'planning_figure', value: 1000000, publishedOn: '2024-12-10', sourceUrl: 'https://example.org/plan', quote: 'Partners plan.' };
    for (const [horizonDate, code] of [
      ['1900-01-01', 'horizon_before_published'],
      ['9999-12-31', 'horizon_too_far'],
    ]) {
      const res = await request(app)
        .post(`/api/v1/situations/${SLUG}/scenarios`)
        .set(editor.auth)
        .send({ ...plan, horizonDate })
        .expect(400);
      expect(res.body.error.fields).toEqual([expect.objectContaining({ path: 'horizonDate', code })]);
    }
    await request(app)
      .post(`/api/v1/situations/${SLUG}/scenarios`)
      .set(editor.auth)
      .send({ ...plan, horizonDate: '2034-12-10' })
      .expect(201);
    const created = await request(app).get(`/api/v1/situations/${SLUG}/scenarios/${sc.body.id}/history`).set(viewer.auth).expect(200);
    expect(created.body.data).toEqual([expect.objectContaining({ action: 'create', actor: editor.user.email, before: null, after: expect.objectContaining({ value: 1000000 }) })]);
    await request(app)
      .post('/api/v1/organisations')
      .set(editor.auth)
      .send({ name: 'Test NGO', shortName: `TNGO-${kind}`, reliability: 'medium' })
      .expect(201);
    await request(app)
      .post('/api/v1/organisations')
      .set(editor.auth)
      .send({ name: 'Test NGO', shortName: `TNGO-${kind}`, reliability: 'medium' })
      .expect(409);
    await request(app).post('/api/v1/organisations').set(editor.auth).send({ name: 'X', shortName: 'X', reliability: 'great' }).expect(400);
    const orgs = await request(app).get('/api/v1/organisations').expect(200);
    expect(orgs.body.data.find((o: { shortName: string }) => o.shortName === 'WFP')).toMatchObject({ reliability: 'high' });
    const locs = await request(app).get('/api/v1/locations?country=SYR').expect(200);
    expect(locs.body.data.filter((l: { adminLevel: number; isArea: boolean }) => l.adminLevel === 1 && !l.isArea)).toHaveLength(14);
  });

  test('when the WFP ceiling scenario is deleted, then it leaves the projections and the list, is restorable by an editor, and its history shows who did what', async () => {
    const ceilingOf = async () => (await request(app).get(`/api/v1/situations/${SLUG}/projections?asOf=2024-12-06&horizon=6`).expect(200)).body.ceiling;
    const list = await request(app).get(`/api/v1/situations/${SLUG}/scenarios`).expect(200);
    const wfp = list.body.data.find((x: { organisation: string; value: number }) => x.organisation === 'WFP' && x.value === 1500000);
    expect(wfp).toMatchObject({ kind: 'ceiling', deletedAt: null });
    expect(await ceilingOf()).toMatchObject({ value: 1500000 });

    await request(app).delete(`/api/v1/situations/${SLUG}/scenarios/${wfp.id}`).set(viewer.auth).expect(403);
    await request(app).delete(`/api/v1/situations/${SLUG}/scenarios/${wfp.id}`).expect(401);
    const deleted = await request(app).delete(`/api/v1/situations/${SLUG}/scenarios/${wfp.id}`).set(editor.auth).expect(200);
    expect(deleted.body.deletedAt).toEqual(expect.any(String));
    await request(app).delete(`/api/v1/situations/${SLUG}/scenarios/${wfp.id}`).set(editor.auth).expect(409);
    expect(await ceilingOf()).toBeNull();
    expect((await request(app).get(`/api/v1/situations/${SLUG}/scenarios`).expect(200)).body.data.some((x: { id: number }) => x.id === wfp.id)).toBe(false);
    await request(app).get(`/api/v1/situations/${SLUG}/scenarios?includeDeleted=true`).set(viewer.auth).expect(403);
    const withDeleted = await request(app).get(`/api/v1/situations/${SLUG}/scenarios?includeDeleted=true`).set(editor.auth).expect(200);
    expect(withDeleted.body.data.find((x: { id: number }) => x.id === wfp.id)).toMatchObject({ deletedAt: deleted.body.deletedAt });

    await request(app).post(`/api/v1/situations/${SLUG}/scenarios/${wfp.id}/restore`).set(editor2.auth).expect(200);
    await request(app).post(`/api/v1/situations/${SLUG}/scenarios/${wfp.id}/restore`).set(editor2.auth).expect(409);
    expect(await ceilingOf()).toMatchObject({ value: 1500000 });
    const history = await request(app).get(`/api/v1/situations/${SLUG}/scenarios/${wfp.id}/history`).set(viewer.auth).expect(200);
    expect(history.body.data.map((h: { action: string; actor: string }) => [h.action, h.actor])).toEqual([
      ['create', 'seed@system'],
      ['delete', editor.user.email],
      ['restore', editor2.user.email],
    ]);
    expect(history.body.data[1]).toMatchObject({ before: { deletedAt: null, value: 1500000 }, after: { deletedAt: deleted.body.deletedAt } });

    const bad = await request(app).delete(`/api/v1/situations/${SLUG}/scenarios/abc`).set(editor.auth).expect(400);
    expect(bad.body.error.fields).toEqual([{ path: 'id', message: 'must be a positive whole number', code: 'positive_whole' }]);
    await request(app).delete(`/api/v1/situations/${SLUG}/scenarios/999999`).set(editor.auth).expect(404);
    await request(app).delete(`/api/v1/situations/no-such-situation/scenarios/${wfp.id}`).set(editor.auth).expect(404);
  });

  test('when asking for health, the OpenAPI document, or a malformed body, then each answers clearly', async () => {
    expect((await request(app).get('/healthz').expect(200)).body).toEqual({ status: 'ok', database: kind });
    const doc = (await request(app).get('/api/v1/openapi.json').expect(200)).body;
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.schemas.FigureCreate.required).toEqual(
      expect.arrayContaining(['location', 'category', 'periodEnd', 'organisation', 'sourceUrl', 'publishedOn', 'quote']),
    );
    expect(doc.components.schemas.FigureCreate.properties.category.enum).toContain('cross_border_outflow');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/figures/{id}/history', '/api/v1/situations/{slug}/projections']));
    const bad = await request(app).post(`/api/v1/situations/${SLUG}/figures`).set(editor.auth).set('Content-Type', 'application/json').send('{"value": ').expect(400);
    expect(bad.body.error.code).toBe('invalid_json');
    await request(app).get('/api/v1/figures/abc').expect(400);
    await request(app).get('/api/v1/figures/999999').expect(404);
    await request(app).get('/api/v1/nothing-here').expect(404);
  });
});
