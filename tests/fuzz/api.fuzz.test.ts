import fc from 'fast-check';
import request from 'supertest';
import { DATABASES, freshDb, makeUser, testApp, type TestDb } from '../helpers/db';
import { assertStoredFigureValid, FUZZ_RUNS, hostileValue, mutated } from '../helpers/hostile';
import { figureFields } from '../../server/figures/figure.schema';

const SLUG = 'syria-2024-offensive';
const validFigure = {
  location: 'SY-HM',
  locationRole: 'origin',
  category: 'new_displacement',
  periodStart: '2024-11-27',
  periodEnd: '2024-12-05',
  value: 12000,
  valueLow: 10000,
  valueHigh: 15000,
  quantifier: 'approximately',
  unit: 'people',
  organisation: 'OCHA',
  sourceUrl: 'https://example.org/a',
  sourceTitle: 'Flash update',
  publishedOn: '2024-12-05',
  quote: 'About 12,000 people fled Hama.',
  role: 'recommended',
  status: 'draft',
  notes: 'n',
};
const FIELD_NAMES = new Set([
  ...Object.keys(figureFields.shape),
  'version',
  '(body)',
  'id',
  'slug',
  'title',
  'country',
  'countryName',
  'onsetDate',
  'description',
  'kind',
  'horizonDate',
  'email',
  'password',
  'label',
  'status',
  'from',
  'to',
  'limit',
  'cursor',
  'horizon',
  'asOf',
  'thresholds',
  'includeDeleted',
  // An unknown query parameter is named as itself.
  'other',
]);

describe.each(DATABASES)('hostile input to the JSON API on %s', (kind) => {
  let t: TestDb;
  let app: ReturnType<typeof testApp>;
  let editor: Awaited<ReturnType<typeof makeUser>>;
  beforeAll(async () => {
    t = await freshDb(kind, { seed: true });
    app = testApp(t.storage);
    editor = await makeUser(t.storage, 'editor');
  });
  afterAll(() => t.cleanup());
  const count = async () =>
    Number(
      (
        await t.storage.db
          .selectFrom('figures')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  /** Every stored figure must still satisfy the create schema: nothing invalid gets in. */
  const assertAllStoredValid = async () => {
    const res = await request(app).get(`/api/v1/situations/${SLUG}/figures?status=all&limit=1000`).set(editor.auth).expect(200);
    for (const f of res.body.data) assertStoredFigureValid(f);
  };

  const check = (res: request.Response) => {
    expect(res.status).toBeLessThan(500);
    if (res.status === 400 && res.body.error.code === 'validation_failed') {
      expect(res.body.error.fields.length).toBeGreaterThan(0);
      for (const f of res.body.error.fields) {
        expect(FIELD_NAMES.has(f.path.split('.')[0])).toBe(true);
        expect(f.message.length).toBeGreaterThan(0);
      }
    }
  };

  test('when figures are created from mutated bodies, then nothing answers 5xx, rejections name the field, and nothing invalid is stored', async () => {
    await fc.assert(
      fc.asyncProperty(mutated(validFigure, ['householdSize', 'reportedValue', 'externalId']), async (body) => {
        const before = await count();
        const res = await request(app).post(`/api/v1/situations/${SLUG}/figures`).set(editor.auth).send(body);
        check(res);
        expect(await count()).toBe(res.status === 201 ? before + 1 : before);
      }),
      { numRuns: FUZZ_RUNS },
    );
    await assertAllStoredValid();
  });

  test('when a figure is patched with mutated bodies, then nothing answers 5xx and the stored figure stays valid', async () => {
    const created = (await request(app).post(`/api/v1/situations/${SLUG}/figures`).set(editor.auth).send(validFigure).expect(201)).body;
    await fc.assert(
      fc.asyncProperty(mutated({ ...validFigure, version: 1 }), async (body) => {
        const current = (await request(app).get(`/api/v1/figures/${created.id}`).set(editor.auth).expect(200)).body;
        if (typeof body.version === 'number' && body.version === 1) body.version = current.version;
        check(await request(app).patch(`/api/v1/figures/${created.id}`).set(editor.auth).send(body));
      }),
      { numRuns: FUZZ_RUNS },
    );
    await assertAllStoredValid();
  });

  test('when query strings, ids and other resources get hostile input, then nothing answers 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(
          fc.constantFrom('location', 'category', 'status', 'organisation', 'from', 'to', 'limit', 'cursor', 'horizon', 'asOf', 'thresholds', 'other'),
          fc.string({ maxLength: 30 }),
          { maxKeys: 4 },
        ),
        fc.string({ maxLength: 20 }),
        mutated({ slug: 'x-situation', title: 'X', country: 'SYR', onsetDate: '2024-01-01' }),
        mutated({ organisation: 'WFP', kind: 'ceiling', value: 10, publishedOn: '2024-12-06', sourceUrl: 'https://example.org', quote: 'q' }),
        hostileValue(),
        async (query, id, situation, scenario, anything) => {
          check(await request(app).get(`/api/v1/situations/${SLUG}/figures`).query(query).set(editor.auth));
          for (const p of ['series', 'trend', 'projections']) check(await request(app).get(`/api/v1/situations/${SLUG}/${p}`).query(query));
          check(await request(app).get(`/api/v1/figures/${encodeURIComponent(id)}`));
          check(await request(app).post('/api/v1/situations').set(editor.auth).send(situation));
          check(await request(app).post(`/api/v1/situations/${SLUG}/scenarios`).set(editor.auth).send(scenario));
          check(await request(app).post('/api/v1/auth/tokens').send({ email: anything, password: anything }));
          check(
            await request(app)
              .post(`/api/v1/situations/${SLUG}/figures`)
              .set(editor.auth)
              .set('Content-Type', 'application/json')
              .send(JSON.stringify(anything) ?? 'undefined'),
          );
        },
      ),
      { numRuns: Math.max(10, Math.round(FUZZ_RUNS / 4)) },
    );
  });
});
