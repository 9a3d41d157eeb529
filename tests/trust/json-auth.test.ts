import request from 'supertest';
import { DATABASES, freshDb, makeUser, testApp, type TestDb } from '../helpers/db';

const SLUG = 'syria-2024-offensive';

describe.each(DATABASES)('the token is checked before a JSON body is parsed on %s', (kind) => {
  let t: TestDb;
  let app: ReturnType<typeof testApp>;
  let editor: Awaited<ReturnType<typeof makeUser>>;
  beforeAll(async () => {
    t = await freshDb(kind, { seed: true });
    app = testApp(t.storage);
    editor = await makeUser(t.storage, 'editor');
  });
  afterAll(() => t.cleanup());

  // Not JSON at all: were it parsed, the answer would be 400 invalid_json, not 401.
  const big = '{"quote":"' + 'x'.repeat(900_000) + '"  broken';

  test('when an anonymous client posts a 900 KB body that is not even JSON to a route needing a token, then 401 before it is parsed', async () => {
    const res = await request(app).post(`/api/v1/situations/${SLUG}/figures`).set('Content-Type', 'application/json').send(big).expect(401);
    expect(res.body.error.code).toBe('unauthenticated');
    await request(app).patch('/api/v1/figures/1').set('Content-Type', 'application/json').send(big).expect(401);
  });

  test('when the sign-in body of POST /auth/tokens is larger than 16 KB, then 413; a normal one is read', async () => {
    await request(app)
      .post('/api/v1/auth/tokens')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ email: 'a@example.org', password: 'x'.repeat(20_000) }))
      .expect(413);
    const ok = await request(app).post('/api/v1/auth/tokens').send({ email: editor.user.email, password: editor.password }).expect(201);
    expect(ok.body.token).toEqual(expect.any(String));
  });

  test('when a client with a token sends the same broken body, then it is parsed and refused as invalid JSON', async () => {
    const res = await request(app).post(`/api/v1/situations/${SLUG}/figures`).set(editor.auth).set('Content-Type', 'application/json').send(big).expect(400);
    expect(res.body.error.code).toBe('invalid_json');
  });
});
