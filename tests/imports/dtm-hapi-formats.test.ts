/** Imports of what HDX HAPI and the IOM DTM API give: a HAPI IDP CSV (with and without HXL) and a saved DTM API v3 JSON answer. */
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import request from 'supertest';
import { DATABASES, freshDb, makeUser, testApp, type TestDb } from '../helpers/db';
import { readFigureBatches } from '../../server/csv/read';
import { MAX_UPLOAD_BYTES } from '../../server/imports/import-options';

const fixture = (...p: string[]) => fs.readFileSync(path.join(__dirname, '..', 'fixtures', ...p));
const OP = 'Armed Clashes in Sudan';

describe.each(DATABASES)('HAPI and DTM API imports on %s', (kind) => {
  let t: TestDb;
  let app: ReturnType<typeof testApp>;
  let admin: Awaited<ReturnType<typeof makeUser>>;
  const upload = (slug: string, body: Buffer, type: string, commit = true) =>
    request(app)
      .post(`/api/v1/situations/${slug}/imports`)
      .query(commit ? { commit: 'true', status: 'approved' } : {})
      .set(admin.auth)
      .set('Content-Type', type)
      // As a string: superagent would turn a Buffer into JSON of its bytes under application/json.
      .send(body.toString('utf8'));
  const figuresOf = async (slug: string) =>
    ((await request(app).get(`/api/v1/situations/${slug}/figures?limit=1000`).expect(200)).body.data as Record<string, unknown>[])
      .map((f) => [f.location, f.periodEnd, f.value, f.operation, f.reportingRound, f.assessmentType])
      .sort((a, b) => String(a).localeCompare(String(b)));

  beforeAll(async () => {
    t = await freshDb(kind, { seed: true });
    app = testApp(t.storage);
    admin = await makeUser(t.storage, 'admin');
    for (const slug of ['hapi-hxl', 'hapi-plain', 'dtm-json', 'dtm-json-multipart', 'dtm-json-bad', 'dtm-json-names'])
      await request(app).post('/api/v1/situations').set(admin.auth).send({ slug, title: slug, country: 'SDN', countryName: 'Sudan', onsetDate: '2023-04-15' }).expect(201);
  });
  afterAll(() => (app.locals.alerts as { stop(): void }).stop());
  afterAll(() => t.cleanup());

  const HAPI_FIGURES = [
    ['SD01', '2023-07-25', 1200, OP, 12, 'BA'],
    ['SD15', '2023-07-18', 650, OP, 11, 'SA'],
    ['SD15001', '2023-07-25', 700, OP, 12, 'BA'],
    ['SDN', '2023-07-25', 3355040, OP, 12, 'BA'],
  ];

  test('when a HAPI IDP CSV with its HXL row is imported, then each row is one figure with its round', async () => {
    const res = await upload('hapi-hxl', fixture('hapi', 'idps-sdn-hxl.csv'), 'text/csv').expect(201);
    expect(res.body).toMatchObject({ committed: true, layout: 'hapi', errorCount: 0 });
    expect(await figuresOf('hapi-hxl')).toEqual(HAPI_FIGURES);
    const madani = (await request(app).get('/api/v1/locations?country=SDN').expect(200)).body.data.find((l: { code: string }) => l.code === 'SD15001');
    expect(madani).toMatchObject({ name: 'Madani', adminLevel: 2, parentCode: 'SD15' });
  });

  test('when the same file comes without its HXL row, then the same figures', async () => {
    const res = await upload('hapi-plain', fixture('hapi', 'idps-sdn-no-hxl.csv'), 'text/csv').expect(201);
    expect(res.body).toMatchObject({ committed: true, layout: 'hapi', errorCount: 0 });
    expect(await figuresOf('hapi-plain')).toEqual(HAPI_FIGURES);
  });

  test('when a saved DTM API v3 answer is imported as JSON, then reason splits are summed per place, date and round', async () => {
    const preview = await upload('dtm-json', fixture('dtm-v3', 'sdn-admin1.json'), 'application/json', false).expect(200);
    expect(preview.body).toMatchObject({ committed: false, layout: 'dtm-admin-0-to-2', errorCount: 0 });
    const res = await upload('dtm-json', fixture('dtm-v3', 'sdn-admin1.json'), 'application/json').expect(201);
    expect(res.body).toMatchObject({ committed: true, errorCount: 0 });
    expect(await figuresOf('dtm-json')).toEqual([
      ['SD01', '2023-07-25', 1200, OP, 11, 'BA'],
      ['SD01', '2023-08-01', 1500, OP, 12, 'BA'],
      ['SD15', '2023-07-25', 500, OP, 11, 'BA'],
    ]);
    // The same file as the import form sends it: multipart.
    await request(app)
      .post('/api/v1/situations/dtm-json-multipart/imports')
      .query({ commit: 'true', status: 'approved' })
      .set(admin.auth)
      .attach('file', fixture('dtm-v3', 'sdn-admin1.json'), 'sdn.json')
      .expect(201);
    expect(await figuresOf('dtm-json-multipart')).toEqual(await figuresOf('dtm-json'));
  });

  test('when the uploaded file has an Arabic name, then it is recorded as written; control and direction characters are dropped', async () => {
    const send = (name: string) =>
      request(app).post('/api/v1/situations/dtm-json-names/imports').set(admin.auth).attach('file', fixture('dtm-v3', 'sdn-admin1.json'), name).expect(200);
    expect((await send('نازحون-حماة.json')).body.filename).toBe('نازحون-حماة.json');
    expect((await send('a\r\nb\u202ec.json')).body.filename).toBe('abc.json');
    expect((await send(`${'x'.repeat(1000)}.json`)).body.filename).toHaveLength(200);
  });

  test('when a JSON answer is broken or failed, then 400 names the problem and nothing is stored', async () => {
    const bad = JSON.stringify({
      isSuccess: true,
      result: [
        {
          admin0Pcode: 'SDN',
          admin0Name: 'Sudan',
          admin1Pcode: 'SD01',
          admin1Name: 'Khartoum',
          numPresentIdpInd: 10,
          reportingDate: '2023-07-25',
          roundNumber: 3,
          operation: OP,
          displacementReason: 'Conflict',
        },
        {
          admin0Pcode: 'SDN',
          admin0Name: 'Sudan',
          admin1Pcode: 'SD01',
          admin1Name: 'Khartoum',
          numPresentIdpInd: -5,
          reportingDate: '2023-07-26',
          roundNumber: 4,
          operation: OP,
          displacementReason: 'Conflict',
        },
      ],
    });
    const res = await upload('dtm-json-bad', Buffer.from(bad), 'application/json').expect(400);
    expect(JSON.stringify(res.body)).toContain('numPresentIdpInd');
    const failed = await upload('dtm-json-bad', Buffer.from('{"isSuccess": false, "errorMessages": ["No data"], "result": []}'), 'application/json').expect(400);
    expect(JSON.stringify(failed.body)).toContain('isSuccess: false');
    const truncated = await upload('dtm-json-bad', Buffer.from(bad.slice(0, 200)), 'application/json').expect(400);
    expect(JSON.stringify(truncated.body)).toContain('JSON cannot be read');
    expect(await figuresOf('dtm-json-bad')).toEqual([]);
  });

  test('when figures carry round fields, then the API validates, stores, updates and audits them', async () => {
    const base = {
      location: 'SDN',
      category: 'idps',
      periodEnd: '2023-09-01',
      value: 10,
      organisation: 'IOM DTM',
      sourceUrl: 'https://dtm.iom.int/x',
      publishedOn: '2023-09-02',
      quote: 'q',
    };
    const bad = await request(app)
      .post('/api/v1/situations/hapi-hxl/figures')
      .set(admin.auth)
      .send({ ...base, reportingRound: 2.5, assessmentType: 'x'.repeat(41) })
      .expect(400);
    expect(bad.body.error.fields.map((f: { path: string }) => f.path).sort()).toEqual(['assessmentType', 'reportingRound']);
    const noOp = await request(app)
      .post('/api/v1/situations/hapi-hxl/figures')
      .set(admin.auth)
      .send({ ...base, reportingRound: 3 })
      .expect(400);
    expect(noOp.body.error.fields).toEqual([{ path: 'reportingRound', message: 'needs operation: a round is counted within its operation', code: 'round_needs_operation' }]);
    const created = (
      await request(app)
        .post('/api/v1/situations/hapi-hxl/figures')
        .set(admin.auth)
        .send({ ...base, operation: OP, reportingRound: 13, assessmentType: 'BA', status: 'approved' })
        .expect(201)
    ).body;
    expect(created).toMatchObject({ operation: OP, reportingRound: 13, assessmentType: 'BA' });
    const updated = (await request(app).patch(`/api/v1/figures/${created.id}`).set(admin.auth).send({ version: created.version, reportingRound: 14 }).expect(200)).body;
    expect(updated.reportingRound).toBe(14);
    const history = (await request(app).get(`/api/v1/figures/${created.id}/history`).set(admin.auth).expect(200)).body.data;
    expect(history.map((h: { action: string; after: { reportingRound: number } }) => [h.action, h.after.reportingRound])).toEqual([
      ['create', 13],
      ['update', 14],
    ]);
    const csv = (await request(app).get('/api/v1/situations/hapi-hxl/export/figures.csv').query({ hxl: '1' }).expect(200)).text.split(/\r?\n/);
    expect(csv[0].split(',').slice(-3)).toEqual(['operation', 'reportingRound', 'assessmentType']);
    expect(csv[1].split(',').slice(-3)).toEqual(['#operation+name', '#round+code', '#assessment+type']);
    expect(csv.find((l) => l.startsWith(`${created.id},`))).toMatch(/,Armed Clashes in Sudan,14,BA$/);
  });
});

describe('a large DTM API JSON answer', () => {
  test('when 50,000 records are read, then they stream through the reader within the upload limit', async () => {
    const N = 50_000;
    async function* body() {
      yield '{"isSuccess": true, "result": [';
      for (let i = 0; i < N; i += 1000) {
        const part: string[] = [];
        for (let k = i; k < i + 1000; k++)
          part.push(
            JSON.stringify({
              operation: OP,
              admin0Name: 'Sudan',
              admin0Pcode: 'SDN',
              admin1Name: `Place ${k}`,
              admin1Pcode: `SD${String(k).padStart(5, '0')}`,
              numPresentIdpInd: k,
              reportingDate: '2023-07-25T00:00:00',
              roundNumber: 7,
              displacementReason: 'Conflict',
              assessmentType: 'BA',
            }),
          );
        yield (i ? ',' : '') + part.join(',');
      }
      yield ']}';
    }
    let bytes = 0;
    const counted = Readable.from(
      (async function* () {
        for await (const s of body()) {
          bytes += Buffer.byteLength(s);
          yield Buffer.from(s);
        }
      })(),
    );
    let figures = 0;
    let total = 0;
    let summary: { rowsRead: number; rowsOk: number; fileErrors: unknown[]; layout: string | null } | undefined;
    for await (const batch of readFigureBatches(counted, { situationCountry: 'SDN' }))
      for (const e of batch) {
        if (e.type === 'summary') summary = e;
        else if (e.figure) {
          figures++;
          total += e.figure.value ?? 0;
        }
      }
    expect(summary).toMatchObject({ layout: 'dtm-admin-0-to-2', rowsRead: N, rowsOk: N, fileErrors: [] });
    expect(figures).toBe(N);
    expect(total).toBe((N * (N - 1)) / 2);
    expect(bytes).toBeLessThan(MAX_UPLOAD_BYTES);
  });
});
