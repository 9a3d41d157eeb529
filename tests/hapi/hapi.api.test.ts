import fs from 'node:fs';
import request from 'supertest';
import { parse } from 'csv-parse/sync';
import { DATABASES, freshDb, makeUser, testApp, type TestDb } from '../helpers/db';
import { realFile } from '../helpers/fixtures';

const FIELDS = [
  'location_code',
  'location_name',
  'admin1_code',
  'admin1_name',
  'admin2_code',
  'admin2_name',
  'admin_level',
  'provider_admin1_name',
  'provider_admin2_name',
  'operation',
  'reporting_round',
  'assessment_type',
  'population',
  'reference_period_start',
  'reference_period_end',
  'source_organisation',
  'source_url',
  'published_on',
];
const IDPS = '/api/v1/hapi/affected-people/idps';

describe.each(DATABASES)('HAPI-shaped output on %s', (kind) => {
  let t: TestDb;
  let app: ReturnType<typeof testApp>;
  let editor: Awaited<ReturnType<typeof makeUser>>;
  let admin: Awaited<ReturnType<typeof makeUser>>;
  // Importing as approved needs an admin.
  const upload = (slug: string, body: Buffer | string) =>
    request(app)
      .post(`/api/v1/situations/${slug}/imports`)
      .query({ commit: 'true', status: 'approved' })
      .set(admin.auth)
      .set('Content-Type', 'text/csv')
      .send(Buffer.isBuffer(body) ? body : Buffer.from(body));

  beforeAll(async () => {
    t = await freshDb(kind, { seed: true });
    app = testApp(t.storage);
    [editor, admin] = await Promise.all([makeUser(t.storage, 'editor'), makeUser(t.storage, 'admin')]);
    for (const slug of ['sudan-2023', 'sudan-copy'])
      await request(app).post('/api/v1/situations').set(editor.auth).send({ slug, title: slug, country: 'SDN', countryName: 'Sudan', onsetDate: '2023-04-15' }).expect(201);
    await upload('sudan-2023', fs.readFileSync(realFile('iom-dtm', 'subset_SDN_armed_clashes_weekly_admin0.csv'))).expect(201);
    await upload('sudan-2023', fs.readFileSync(realFile('iom-dtm', 'subset_SDN_armed_clashes_weekly_admin1_states.csv'))).expect(201);
    // A draft and a triangulation figure: neither is in HAPI's output.
    const base = {
      location: 'SDN',
      locationRole: 'unknown',
      category: 'idps',
      quantifier: 'exact',
      organisation: 'OCHA',
      sourceUrl: 'https://example.org/x',
      publishedOn: '2024-01-02',
      quote: 'q',
    };
    await request(app)
      .post('/api/v1/situations/sudan-2023/figures')
      .set(editor.auth)
      .send({ ...base, periodEnd: '2024-01-01', value: 1 })
      .expect(201);
    await request(app)
      .post('/api/v1/situations/sudan-2023/figures')
      .set(admin.auth)
      .send({ ...base, periodEnd: '2024-01-01', value: 2, role: 'triangulation', status: 'approved' })
      .expect(201);
  });
  afterAll(() => (app.locals.alerts as { stop(): void }).stop());
  afterAll(() => t.cleanup());

  test("when IDPs are asked for as JSON, then rows have HAPI's fields, admin levels resolved, only approved recommended stocks", async () => {
    const all = (await request(app).get(IDPS).query({ location_code: 'SDN' }).expect(200)).body;
    expect(Object.keys(all)).toEqual(['data']);
    const countryRows = all.data.filter((r: { admin_level: number }) => r.admin_level === 0);
    expect(countryRows).toHaveLength(45);
    expect(all.data.every((r: { population: number }) => r.population > 2)).toBe(true);
    expect(Object.keys(all.data[0])).toEqual(FIELDS);
    expect(countryRows[0]).toMatchObject({
      location_code: 'SDN',
      location_name: 'Sudan',
      admin1_code: null,
      admin2_code: null,
      reference_period_start: '2023-04-28',
      reference_period_end: '2023-04-28',
      population: 334053,
      source_organisation: 'IOM DTM',
      operation: 'Armed Clashes in Sudan',
      reporting_round: 2,
      assessment_type: 'BA',
    });
    const khartoum = (await request(app).get(IDPS).query({ admin1_code: 'SD01' }).expect(200)).body.data;
    expect(khartoum.length).toBeGreaterThan(0);
    expect(khartoum.every((r: { admin1_code: string; admin_level: number }) => r.admin1_code === 'SD01' && r.admin_level === 1)).toBe(true);
    expect(khartoum[0]).toMatchObject({ location_code: 'SDN', location_name: 'Sudan', admin1_name: 'Khartoum', provider_admin1_name: 'Khartoum' });
    const level1 = (await request(app).get(IDPS).query({ admin_level: '1', start_date: '2024-01-01', end_date: '2024-01-31' }).expect(200)).body.data;
    expect(level1.length).toBeGreaterThan(0);
    expect(
      level1.every(
        (r: { admin_level: number; reference_period_end: string }) => r.admin_level === 1 && r.reference_period_end >= '2024-01-01' && r.reference_period_end <= '2024-01-31',
      ),
    ).toBe(true);
    expect((await request(app).get('/api/v1/hapi/affected-people/refugees').expect(200)).body).toEqual({ data: [] });
    await request(app).get('/api/v1/hapi/affected-people/returnees').expect(200);
  });

  test('when the same query is asked as CSV, then it has the HXL row and the same rows; limit and offset page through them', async () => {
    const json = (await request(app).get(IDPS).query({ location_code: 'sdn', limit: '100' }).expect(200)).body.data;
    const csv = await request(app).get(IDPS).query({ location_code: 'SDN', limit: '100', output_format: 'csv' }).expect(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const rows: string[][] = parse(csv.text);
    expect(rows[0]).toEqual(FIELDS);
    expect(rows[1].slice(0, 7)).toEqual(['#country+code', '#country+name', '#adm1+code', '#adm1+name', '#adm2+code', '#adm2+name', '#adm+level']);
    expect(rows[1]).toEqual(expect.arrayContaining(['#affected+idps', '#date+start', '#date+end']));
    expect(rows.slice(2)).toEqual(json.map((r: Record<string, unknown>) => FIELDS.map((f) => (r[f] == null ? '' : String(r[f])))));
    const page1 = (await request(app).get(IDPS).query({ location_code: 'SDN', limit: '60', offset: '0' }).expect(200)).body.data;
    const page2 = (await request(app).get(IDPS).query({ location_code: 'SDN', limit: '40', offset: '60' }).expect(200)).body.data;
    expect([...page1, ...page2]).toEqual(json);
  });

  test('when a query parameter is bad, then 400 names it', async () => {
    for (const [query, path] of [
      [{ limit: '10001' }, 'limit'],
      [{ limit: '0' }, 'limit'],
      [{ offset: '-1' }, 'offset'],
      [{ output_format: 'xml' }, 'output_format'],
      [{ admin_level: '3' }, 'admin_level'],
      [{ start_date: '2024-02-30' }, 'start_date'],
      [{ location_code: 'SUDAN' }, 'location_code'],
      [{ colour: 'red' }, 'colour'],
    ] as const) {
      const res = await request(app).get(IDPS).query(query).expect(400);
      expect(res.body.error.fields.map((f: { path: string }) => f.path)).toContain(path);
    }
    const doc = (await request(app).get('/api/v1/openapi.json').expect(200)).body;
    expect(doc.paths['/api/v1/hapi/affected-people/idps'].get.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['location_code', 'admin1_code', 'admin2_code', 'admin_level', 'start_date', 'end_date', 'output_format', 'limit', 'offset']),
    );
    expect(doc.paths['/api/v1/hapi/affected-people/idps'].get.description).toContain('`population` #affected+idps');
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['AlertRuleCreate', 'WebhookCreate', 'AlertAcknowledge']));
  });

  test('when the CSV is imported into an empty situation, then it holds the same figures', async () => {
    const query = { location_code: 'SDN', output_format: 'csv' };
    const csv = await request(app).get(IDPS).query(query).expect(200);
    const original = (await request(app).get(IDPS).query({ location_code: 'SDN' }).expect(200)).body.data;
    const res = await upload('sudan-copy', csv.text).expect(201);
    expect(res.body).toMatchObject({ committed: true, errorCount: 0, layout: 'hapi' });
    const key = (r: Record<string, unknown>) =>
      [
        r.location_code,
        r.admin1_code,
        r.admin2_code,
        r.admin_level,
        r.population,
        r.reference_period_end,
        r.source_organisation,
        r.source_url,
        r.published_on,
        r.operation,
        r.reporting_round,
        r.assessment_type,
      ].join('|');
    const figures = (await request(app).get('/api/v1/situations/sudan-copy/figures?limit=1000').expect(200)).body.data;
    expect(figures).toHaveLength(original.length);
    // Both situations now answer the same rows: the copy's rows are the original's.
    const both = (await request(app).get(IDPS).query({ location_code: 'SDN' }).expect(200)).body.data.map(key).sort();
    const doubled = [...original.map(key), ...original.map(key)].sort();
    expect(both).toEqual(doubled);
  });
});
