import request from 'supertest';
import { signedIn } from '../pages/helpers';
import { DATABASES, freshDb, makeUser, testApp, type TestDb } from '../helpers/db';

const SLUG = 'syria-2024-offensive';
const cursor = (after: number) => Buffer.from(JSON.stringify({ after })).toString('base64url');

describe.each(DATABASES)('ids of 2^31 or more on %s', (kind) => {
  let t: TestDb;
  let app: ReturnType<typeof testApp>;
  let editor: Awaited<ReturnType<typeof makeUser>>;
  beforeAll(async () => {
    t = await freshDb(kind, { seed: true });
    app = testApp(t.storage);
    editor = await makeUser(t.storage, 'editor');
  });
  afterAll(() => t.cleanup());

  test.each([
    ['get', '/api/v1/figures/2147483648'],
    ['get', '/api/v1/figures/9007199254740991'],
    ['get', '/api/v1/figures/2147483648/history'],
    ['get', `/api/v1/situations/${SLUG}/scenarios/2147483648/history`],
    ['post', '/api/v1/figures/2147483648/approve'],
    ['patch', '/api/v1/figures/2147483648'],
    ['delete', `/api/v1/situations/${SLUG}/scenarios/2147483648`],
    ['post', `/api/v1/situations/${SLUG}/imports/2147483648/approve`],
    ['get', '/figures/2147483648'],
  ] as const)('when %s %s is asked, then 404, the same on both databases', async (method, path) => {
    const res = await request(app)[method](path).set(editor.auth).send({ version: 1 });
    expect(res.status).toBe(404);
  });

  test.each(['/figures/2147483648', '/figures/2147483648/edit', `/situations/${SLUG}/imports/2147483648`])('when a signed-in editor opens the page %s, then 404', async (path) => {
    const agent = await signedIn(app, editor.user.email, editor.password);
    expect((await agent.get(path)).status).toBe(404);
  });

  test('when a cursor or a page holds an id past the column range, then 400 (API) or an empty page, never 500', async () => {
    const api = await request(app).get(`/api/v1/situations/${SLUG}/figures?cursor=${cursor(2147483648)}`);
    expect(api.status).toBe(400);
    expect(api.body.error.fields).toEqual([{ path: 'cursor', message: expect.any(String), code: expect.stringMatching(/^(page_cursor_range|not_a_cursor)$/) }]);
    await request(app)
      .get(`/api/v1/situations/${SLUG}/figures?cursor=${cursor(2147483647)}`)
      .expect(200);
    const page = await request(app).get(`/situations/${SLUG}/figures?before=2024-12-06~2147483648`);
    expect(page.status).toBe(400);
  });
});
