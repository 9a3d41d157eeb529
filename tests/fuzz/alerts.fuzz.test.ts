import fc from 'fast-check';
import request from 'supertest';
import { DATABASES, freshDb, makeUser, testApp, type TestDb } from '../helpers/db';
import { FUZZ_RUNS, hostileValue, mutated } from '../helpers/hostile';
import { ruleCreateSchema, webhookCreateSchema } from '../../server/alerts/alert';

const SLUG = 'syria-2024-offensive';
const RULES = [
  { kind: 'threshold', location: 'SYR', category: 'new_displacement', threshold: 300000 },
  { kind: 'change_7d', category: 'idps', people: 1000, percent: 5 },
  { kind: 'projection', category: 'new_displacement', threshold: 1000000, horizonDays: 14 },
  { kind: 'stale', days: 14, category: 'idps' },
  { kind: 'conflict', percent: 20 },
];
const HAPI = { location_code: 'SYR', admin1_code: 'SY-HL', admin_level: '1', start_date: '2024-01-01', end_date: '2024-12-31', output_format: 'csv', limit: '10', offset: '0' };

describe.each(DATABASES)('hostile input to the alert and HAPI APIs on %s', (kind) => {
  let t: TestDb;
  let app: ReturnType<typeof testApp>;
  let editor: Awaited<ReturnType<typeof makeUser>>;
  beforeAll(async () => {
    t = await freshDb(kind, { seed: true });
    app = testApp(t.storage);
    editor = await makeUser(t.storage, 'editor');
  });
  afterAll(async () => {
    (app.locals.alerts as { stop(): void }).stop();
    await t.cleanup();
  });

  test('when rules and webhooks are created from mutated bodies, then nothing answers 5xx, a 400 names fields, and every stored rule is valid', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...RULES).chain((r) => mutated(r, ['people', 'percent', 'days', 'threshold'])),
        async (body) => {
          const res = await request(app).post(`/api/v1/situations/${SLUG}/alert-rules`).set(editor.auth).send(body);
          expect([201, 400]).toContain(res.status);
          if (res.status === 400) expect(res.body.error.fields.length).toBeGreaterThan(0);
          if (res.status === 201) await request(app).delete(`/api/v1/situations/${SLUG}/alert-rules/${res.body.id}`).set(editor.auth).expect(200);
        },
      ),
      { numRuns: FUZZ_RUNS },
    );
    await fc.assert(
      fc.asyncProperty(mutated({ url: 'https://example.org/hook', secret: 'a-long-shared-secret-123' }), async (body) => {
        const res = await request(app).post(`/api/v1/situations/${SLUG}/webhooks`).set(editor.auth).send(body);
        expect([201, 400]).toContain(res.status);
        if (res.status === 201) await request(app).delete(`/api/v1/situations/${SLUG}/webhooks/${res.body.id}`).set(editor.auth).expect(200);
      }),
      { numRuns: FUZZ_RUNS },
    );
    const rules = (await request(app).get(`/api/v1/situations/${SLUG}/alert-rules?includeDeleted=true`).set(editor.auth).expect(200)).body.data;
    for (const r of rules)
      expect(ruleCreateSchema.safeParse({ kind: r.kind, location: r.location, ...(r.category ? { category: r.category } : {}), ...r.params }).success).toBe(true);
    const hooks = (await request(app).get(`/api/v1/situations/${SLUG}/webhooks`).set(editor.auth).expect(200)).body.data;
    for (const h of hooks) expect(webhookCreateSchema.shape.url.safeParse(h.url).success).toBe(true);
  });

  test('when HAPI queries and acknowledgements are hostile, then nothing answers 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(mutated(HAPI), async (query) => {
        const res = await request(app)
          .get('/api/v1/hapi/affected-people/idps')
          .query(query as Record<string, string>);
        // 431 is Node refusing a 100,000-character URL before the app sees it.
        expect([200, 400, 431]).toContain(res.status);
        if (res.status === 400) expect(res.body.error.fields.length).toBeGreaterThan(0);
      }),
      { numRuns: FUZZ_RUNS },
    );
    await fc.assert(
      fc.asyncProperty(fc.record({ note: hostileValue() }), fc.oneof(fc.constant('1'), fc.string({ maxLength: 12 })), async (body, id) => {
        const res = await request(app)
          .post(`/api/v1/alerts/${encodeURIComponent(id)}/acknowledge`)
          .set(editor.auth)
          .send(body);
        expect(res.status).toBeLessThan(500);
      }),
      { numRuns: FUZZ_RUNS },
    );
  });
});
