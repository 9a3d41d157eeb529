import fc from 'fast-check';
import request from 'supertest';
import { DATABASES, freshDb, makeUser, testApp, type TestDb } from '../helpers/db';
import { FUZZ_RUNS } from '../helpers/hostile';
import { MAX_RESULT_BYTES } from '../../server/analysis/analysis.service';

const SLUG = 'syria-2024-offensive';

/** Dates around every edge: far past and future, the 1900 bound, today, impossible days, and junk. */
const dateLike = fc.oneof(
  fc.date({ min: new Date('0001-01-01'), max: new Date('9999-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
  fc.date({ min: new Date('1899-12-25'), max: new Date('1900-01-05'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
  fc.constantFrom('9999-12-31', '2400-01-01', '0000-01-01', '2024-02-30', '2024-12-06', new Date().toISOString().slice(0, 10)),
  fc.string({ maxLength: 12 }),
);
const horizonLike = fc.oneof(fc.integer({ min: -10, max: 400 }), fc.constantFrom(0, 365, 366, 1e6, 2 ** 31, -1, 1.5), fc.string({ maxLength: 8 }));
const thresholdsLike = fc.oneof(
  fc.array(fc.oneof(fc.nat(), fc.constantFrom(0, 1e9, 1e9 + 1, 1e15, Number.MAX_SAFE_INTEGER)), { minLength: 1, maxLength: 14 }).map((xs) => xs.join(',')),
  fc.string({ maxLength: 40 }),
);

describe.each(DATABASES)('fuzzing the analysis parameters and multipart uploads on %s', (kind) => {
  let t: TestDb;
  let app: ReturnType<typeof testApp>;
  let editor: Awaited<ReturnType<typeof makeUser>>;
  beforeAll(async () => {
    t = await freshDb(kind, { seed: true });
    app = testApp(t.storage);
    editor = await makeUser(t.storage, 'editor');
  });
  afterAll(() => t.cleanup());

  test('when asOf, horizon and thresholds take any value, then no answer is 5xx or larger than the bound, and a 400 names the parameter', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            asOf: dateLike,
            horizon: horizonLike,
            thresholds: thresholdsLike,
            location: fc.constantFrom('SYR', 'SY-HM', 'XX'),
            category: fc.constantFrom('new_displacement', 'idps', 'x'),
          },
          { requiredKeys: [] },
        ),
        fc.constantFrom('series', 'trend', 'projections'),
        async (query, path) => {
          const res = await request(app)
            .get(`/api/v1/situations/${SLUG}/${path}`)
            .query(query as Record<string, string>);
          expect(res.status).toBeLessThan(500);
          expect(res.text.length).toBeLessThanOrEqual(MAX_RESULT_BYTES);
          if (res.status === 400) for (const f of res.body.error.fields) expect(['asOf', 'horizon', 'thresholds', 'location', 'category']).toContain(f.path);
        },
      ),
      { numRuns: Math.max(20, Math.round(FUZZ_RUNS / 2)) },
    );
    const rows = await t.storage.db.selectFrom('analysis_cache').select('result').execute();
    for (const r of rows) expect(r.result.length).toBeLessThanOrEqual(MAX_RESULT_BYTES);
  });

  test('when multipart uploads have any number of parts, names, boundaries and truncations, then nothing answers 5xx and nothing is stored half-way', async () => {
    const CSV = 'location,category,periodEnd,value,organisation,sourceUrl,publishedOn,quote\nSY-HM,idps,2024-12-06,100,OCHA,https://example.org/fuzz-mp,2024-12-06,"q"\n';
    const part = fc.record({
      name: fc.constantFrom('file', 'upload', 'files[]', '', 'file"x'),
      filename: fc.option(fc.constantFrom('a.csv', '', '../../etc/passwd', 'x\u0000.csv'), { nil: null }),
      content: fc.oneof(fc.constant(CSV), fc.string({ maxLength: 200 })),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(part, { maxLength: 4 }),
        fc.constantFrom('XyZ', '', '"quoted"', 'a'.repeat(80)),
        fc.option(fc.nat(), { nil: null }),
        fc.constantFrom('multipart/form-data', 'multipart/mixed', 'text/csv', 'multipart/form-data; boundary='),
        fc.boolean(),
        async (parts, boundary, cut, type, commit) => {
          let body =
            parts
              .map((p) => `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"${p.filename != null ? `; filename="${p.filename}"` : ''}\r\n\r\n${p.content}\r\n`)
              .join('') + `--${boundary}--\r\n`;
          if (cut != null) body = body.slice(0, cut % (body.length + 1));
          const contentType = type === 'multipart/form-data' && boundary ? `${type}; boundary=${boundary}` : type;
          const before = await t.storage.db
            .selectFrom('imports')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow();
          const res = await request(app)
            .post(`/api/v1/situations/${SLUG}/imports`)
            .query(commit ? { commit: 'true' } : {})
            .set(editor.auth)
            .set('Content-Type', contentType)
            .send(body);
          expect(res.status).toBeLessThan(500);
          const after = await t.storage.db
            .selectFrom('imports')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow();
          if (res.status !== 201) expect(Number(after.n)).toBe(Number(before.n));
        },
      ),
      { numRuns: Math.max(20, Math.round(FUZZ_RUNS / 2)) },
    );
  });
});
