import express from 'express';
import request from 'supertest';
import { DATABASES, freshDb, makeUser, testApp, type TestDb } from '../helpers/db';
import { healthRoutes } from '../../server/health/health.routes';
import type { Storage } from '../../server/storage/database';
import { loadConfig } from '../../server/config';

const SLUG = 'syria-2024-offensive';
const ORIGIN = 'https://dashboard.example.org';

describe.each(DATABASES)('HTTP conventions for integrators on %s', (kind) => {
  let t: TestDb;
  let app: ReturnType<typeof testApp>;
  let editor: Awaited<ReturnType<typeof makeUser>>;

  beforeAll(async () => {
    t = await freshDb(kind, { seed: true });
    app = testApp(t.storage);
    editor = await makeUser(t.storage, 'editor');
  });
  afterAll(() => t.cleanup());

  test('when a write is sent as text, a form or an unknown JSON type, then 415 says to send JSON, and nothing is stored', async () => {
    const body = { slug: 'not-json', title: 'Not JSON', country: 'SDN', countryName: 'Sudan', onsetDate: '2023-04-15' };
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/vnd.api+json']) {
      const res = await request(app).post('/api/v1/situations').set(editor.auth).set('Content-Type', type).send(JSON.stringify(body));
      expect({ type, status: res.status, code: res.body.error?.code }).toEqual({ type, status: 415, code: 'unsupported_media_type' });
      expect(res.body.error.message).toContain(`Content-Type: application/json (got ${type})`);
    }
    await request(app).get('/api/v1/situations/not-json').expect(404);
    // A write without a body (approve, delete) needs no type.
    const f = (await request(app).get(`/api/v1/situations/${SLUG}/figures?limit=1`).expect(200)).body.data[0];
    await request(app).delete(`/api/v1/figures/${f.id}`).set(editor.auth).expect(200);
    await request(app).post(`/api/v1/figures/${f.id}/restore`).set(editor.auth).expect(200);
  });

  test('when a query parameter is unknown or given twice, then the 400 names that parameter and says which', async () => {
    const unknown = await request(app).get(`/api/v1/situations/${SLUG}/figures?colour=red`).expect(400);
    expect(unknown.body.error.fields).toEqual([expect.objectContaining({ path: 'colour', code: 'unknown_parameter', message: 'is not a parameter this accepts' })]);
    const twice = await request(app).get(`/api/v1/situations/${SLUG}/figures?limit=1&limit=2`).expect(400);
    expect(twice.body.error.fields).toEqual([expect.objectContaining({ path: 'limit', code: 'repeated_parameter', message: 'is given more than once; give it once' })]);
    const hapi = await request(app).get('/api/v1/hapi/affected-people/idps?location_code=SDN&location_code=SYR').expect(400);
    expect(hapi.body.error.fields).toEqual([expect.objectContaining({ path: 'location_code', code: 'repeated_parameter' })]);
  });

  test('when a version is sent as a string, then it says it must be a number, not that it is missing', async () => {
    const f = (await request(app).get(`/api/v1/situations/${SLUG}/figures?limit=1`).expect(200)).body.data[0];
    const res = await request(app)
      .patch(`/api/v1/figures/${f.id}`)
      .set(editor.auth)
      .send({ version: String(f.version), value: 1 })
      .expect(400);
    expect(res.body.error.fields).toEqual([expect.objectContaining({ path: 'version', code: 'not_number' })]);
    const missing = await request(app).patch(`/api/v1/figures/${f.id}`).set(editor.auth).send({ value: 1 }).expect(400);
    expect(missing.body.error.fields).toEqual([expect.objectContaining({ path: 'version', code: 'version_required' })]);
  });

  test('when an API GET is repeated with its ETag, then the answer is 304 with no body; after a change the ETag differs', async () => {
    const first = await request(app).get('/api/v1/situations').expect(200);
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^(W\/)?"/);
    expect(first.headers['cache-control']).toBe('no-cache');
    expect(first.headers.vary).toMatch(/Authorization/);
    const again = await request(app).get('/api/v1/situations').set('If-None-Match', etag).expect(304);
    expect(again.text ?? '').toBe('');
    await request(app)
      .post('/api/v1/situations')
      .set(editor.auth)
      .send({ slug: 'etag-check', title: 'ETag check', country: 'SDN', countryName: 'Sudan', onsetDate: '2023-04-15' })
      .expect(201);
    const changed = await request(app).get('/api/v1/situations').set('If-None-Match', etag).expect(200);
    expect(changed.headers.etag).not.toBe(etag);
    const figures = await request(app).get(`/api/v1/situations/${SLUG}/figures?limit=3`).expect(200);
    await request(app)
      .get(`/api/v1/situations/${SLUG}/figures?limit=3`)
      .set('If-None-Match', figures.headers.etag as string)
      .expect(304);
  });

  test('when a figures list has a next page, then Link rel="next" carries the same query with the next cursor, and the last page has none', async () => {
    const first = await request(app).get(`/api/v1/situations/${SLUG}/figures`).query({ limit: '2', category: 'new_displacement' }).expect(200);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const m = /^<([^>]+)>; rel="next"$/.exec(first.headers.link as string);
    expect(m).not.toBeNull();
    const next = new URL(m![1]!, 'http://host');
    expect(next.pathname).toBe(`/api/v1/situations/${SLUG}/figures`);
    expect(Object.fromEntries(next.searchParams)).toEqual({ limit: '2', category: 'new_displacement', cursor: first.body.nextCursor });
    const second = await request(app).get(m![1]!).expect(200);
    expect(second.body.data[0].id).toBeGreaterThan(first.body.data[1].id);
    const all = await request(app).get(`/api/v1/situations/${SLUG}/figures?limit=1000`).expect(200);
    expect(all.body.nextCursor).toBeNull();
    expect(all.headers.link).toBeUndefined();
  });

  test('when a public GET comes from another origin, then CORS allows it; a POST and its preflight get no CORS headers', async () => {
    const get = await request(app).get('/api/v1/situations').set('Origin', ORIGIN).expect(200);
    expect(get.headers['access-control-allow-origin']).toBe('*');
    expect(get.headers['access-control-expose-headers']).toMatch(/ETag.*Link/);
    expect(get.headers['access-control-allow-credentials']).toBeUndefined();
    const csv = await request(app).get(`/situations/${SLUG}/export/summary.csv`).set('Origin', ORIGIN).expect(200);
    expect(csv.headers['access-control-allow-origin']).toBe('*');
    const apiCsv = await request(app).get(`/api/v1/situations/${SLUG}/export/figures.csv`).set('Origin', ORIGIN).expect(200);
    expect(apiCsv.headers['access-control-allow-origin']).toBe('*');
    const preflightGet = await request(app).options('/api/v1/situations').set('Origin', ORIGIN).set('Access-Control-Request-Method', 'GET').expect(204);
    expect(preflightGet.headers['access-control-allow-methods']).toBe('GET,HEAD');
    expect(preflightGet.headers['access-control-allow-headers']).toBe('If-None-Match');

    const post = await request(app)
      .post('/api/v1/situations')
      .set('Origin', ORIGIN)
      .set(editor.auth)
      .send({ slug: 'cors-post', title: 'CORS post', country: 'SDN', onsetDate: '2023-04-15' })
      .expect(201);
    expect(post.headers['access-control-allow-origin']).toBeUndefined();
    const preflightPost = await request(app).options('/api/v1/situations').set('Origin', ORIGIN).set('Access-Control-Request-Method', 'POST');
    expect(preflightPost.headers['access-control-allow-origin']).toBeUndefined();
    expect(preflightPost.headers['access-control-allow-methods']).toBeUndefined();
    const patch = await request(app).patch('/api/v1/figures/1').set('Origin', ORIGIN).send({});
    expect(patch.headers['access-control-allow-origin']).toBeUndefined();
  });

  test('when PUBLIC_READ=false, then no CORS header; with CORS_ORIGINS a list, only those origins are allowed', async () => {
    const closed = testApp(t.storage, { PUBLIC_READ: 'false' });
    const res = await request(closed).get('/api/v1/situations').set('Origin', ORIGIN).set(editor.auth).expect(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    const listed = testApp(t.storage, { CORS_ORIGINS: `${ORIGIN}, http://localhost:8080` });
    const ok = await request(listed).get('/api/v1/situations').set('Origin', ORIGIN).expect(200);
    expect(ok.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(ok.headers.vary).toMatch(/Origin/);
    const other = await request(listed).get('/api/v1/situations').set('Origin', 'https://elsewhere.example.com').expect(200);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    const off = testApp(t.storage, { CORS_ORIGINS: 'off' });
    expect((await request(off).get('/api/v1/situations').set('Origin', ORIGIN).expect(200)).headers['access-control-allow-origin']).toBeUndefined();
  });

  test('when the token route is limited, then RateLimit headers tell the quota and the 429 says when to retry', async () => {
    const limited = testApp(t.storage);
    const res = await request(limited).post('/api/v1/auth/tokens').send({ email: editor.user.email, password: 'wrong password!' }).expect(401);
    expect(res.headers['ratelimit-policy']).toMatch(/q=20; w=900/);
    expect(res.headers.ratelimit).toMatch(/r=19; t=\d+/);
    for (let i = 0; i < 19; i++) await request(limited).post('/api/v1/auth/tokens').send({ email: editor.user.email, password: 'wrong password!' });
    const refused = await request(limited).post('/api/v1/auth/tokens').send({ email: editor.user.email, password: editor.password }).expect(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.body.error.code).toBe('rate_limited');
  });
});

describe('Retry-After on 503 and CORS_ORIGINS validation', () => {
  test('when the database does not answer, then /healthz is 503 with Retry-After', async () => {
    const down = {
      dialect: 'sqlite',
      db: {
        getExecutor: () => {
          throw new Error('database is down');
        },
      },
    } as unknown as Storage;
    const res = await request(express().use(healthRoutes(down)))
      .get('/healthz')
      .expect(503);
    expect(res.headers['retry-after']).toBe('30');
  });

  test('when CORS_ORIGINS is not *, off or a list of origins, then start-up fails naming the variable', () => {
    expect(() => loadConfig({ CORS_ORIGINS: 'https://ok.example.org, https://bad.example.org/path' })).toThrow(/CORS_ORIGINS: .*"https:\/\/bad.example.org\/path" is not one/);
    expect(loadConfig({ CORS_ORIGINS: 'https://a.example.org,http://localhost:3000' }).CORS_ORIGINS).toEqual(['https://a.example.org', 'http://localhost:3000']);
    expect(loadConfig({}).CORS_ORIGINS).toBe('*');
  });
});
