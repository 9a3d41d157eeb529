import request from 'supertest';
import { DATABASES, freshDb, makeUser, testApp, type TestDb } from '../helpers/db';

const SLUG = 'syria-2024-offensive';

describe.each(DATABASES)('what readers may see on %s', (kind) => {
  let t: TestDb;
  let open: ReturnType<typeof testApp>;
  let closed: ReturnType<typeof testApp>;
  let editor: Awaited<ReturnType<typeof makeUser>>;
  let editor2: Awaited<ReturnType<typeof makeUser>>;
  let viewer: Awaited<ReturnType<typeof makeUser>>;
  let approvedId: number;
  beforeAll(async () => {
    t = await freshDb(kind, { seed: true });
    open = testApp(t.storage);
    closed = testApp(t.storage, { PUBLIC_READ: 'false' });
    [editor, editor2, viewer] = await Promise.all([makeUser(t.storage, 'editor'), makeUser(t.storage, 'editor'), makeUser(t.storage, 'viewer')]);
    const list = await request(open).get(`/api/v1/situations/${SLUG}/figures`).expect(200);
    approvedId = list.body.data[0].id;
  });
  afterAll(() => t.cleanup());

  test.each([
    `/api/v1/situations/${SLUG}/figures`,
    '/api/v1/figures/1',
    `/api/v1/situations/${SLUG}/projections`,
    `/api/v1/situations/${SLUG}/scenarios`,
    '/api/v1/organisations',
    '/api/v1/situations',
    `/api/v1/situations/${SLUG}/export/figures.csv`,
  ])(
    'finding 3: when PUBLIC_READ=false and an anonymous client sends HEAD or OPTIONS %s, then 401 without the length or ETag of the hidden body; with a token 200',
    async (path) => {
      const allowed = await request(closed).head(path).set(viewer.auth).expect(200);
      const head = await request(closed).head(path);
      expect(head.status).toBe(401);
      expect(head.headers.etag).not.toBe(allowed.headers.etag);
      expect(head.headers['content-length']).not.toBe(allowed.headers['content-length']);
      await request(closed).options(path).expect(401);
    },
  );

  test.each([`/situations/${SLUG}`, `/situations/${SLUG}/export/figures.csv`, `/figures/1`])(
    'finding 3: when PUBLIC_READ=false, a HEAD or OPTIONS of the page %s is sent to sign-in or refused, never answered with it',
    async (path) => {
      const res = await request(closed).head(path);
      expect(res.status).toBe(303);
      expect(res.headers.location).toMatch(/^\/sign-in/);
      expect((await request(closed).options(path)).status).toBe(401);
    },
  );

  test('finding 4: when nobody is signed in, then no account email appears in the figures API, one figure, the scenarios, the projections or the figures CSV; signed-in users see them', async () => {
    const bodies = [
      (await request(open).get(`/api/v1/situations/${SLUG}/figures`).expect(200)).text,
      (await request(open).get(`/api/v1/figures/${approvedId}`).expect(200)).text,
      (await request(open).get(`/api/v1/situations/${SLUG}/scenarios`).expect(200)).text,
      (await request(open).get(`/api/v1/situations/${SLUG}/projections`).expect(200)).text,
      (await request(open).get(`/api/v1/situations/${SLUG}/export/figures.csv`).expect(200)).text,
      (await request(open).get(`/situations/${SLUG}/export/figures.csv?hxl=1`).expect(200)).text,
    ];
    for (const b of bodies) {
      expect(b).not.toMatch(/createdBy|updatedBy|changedBy|created_by|updated_by/);
      expect(b).not.toMatch(/@/.test(b) ? /[\w.+-]+@[\w-]+\.[\w.]+/ : /$^/);
    }
    const signedIn = await request(open).get(`/api/v1/figures/${approvedId}`).set(viewer.auth).expect(200);
    expect(signedIn.body.createdBy).toEqual(expect.any(String));
    const csv = (await request(open).get(`/api/v1/situations/${SLUG}/export/figures.csv`).set(viewer.auth).expect(200)).text;
    expect(csv.split('\n')[0]).toContain('createdBy');
  });

  test('finding 5: when a viewer asks the history of a draft or a deleted figure, then 404 as for the figure itself; editors see it', async () => {
    const body = {
      location: 'SY-HM',
      category: 'new_displacement',
      periodEnd: '2024-12-06',
      value: 51000,
      organisation: 'OCHA',
      sourceUrl: 'https://example.org/history-rule',
      publishedOn: '2024-12-06',
      quote: 'Some 51,000 people fled.',
    };
    const draft = (await request(open).post(`/api/v1/situations/${SLUG}/figures`).set(editor.auth).send(body).expect(201)).body;
    await request(open).get(`/api/v1/figures/${draft.id}`).set(viewer.auth).expect(404);
    await request(open).get(`/api/v1/figures/${draft.id}/history`).set(viewer.auth).expect(404);
    await request(open).get(`/api/v1/figures/${draft.id}/history`).set(editor.auth).expect(200);
    await request(open).get(`/figures/${draft.id}`).set(viewer.auth).expect(404);

    const approved = (await request(open).post(`/api/v1/figures/${draft.id}/approve`).set(editor2.auth).expect(200)).body;
    await request(open).get(`/api/v1/figures/${draft.id}/history`).set(viewer.auth).expect(200);
    await request(open).delete(`/api/v1/figures/${draft.id}`).set(editor.auth).send({ version: approved.version }).expect(200);
    await request(open).get(`/api/v1/figures/${draft.id}`).set(viewer.auth).expect(404);
    await request(open).get(`/api/v1/figures/${draft.id}/history`).set(viewer.auth).expect(404);
    const forEditor = await request(open).get(`/api/v1/figures/${draft.id}/history`).set(editor.auth).expect(200);
    expect(forEditor.body.data.map((h: { action: string }) => h.action)).toEqual(['create', 'approve', 'delete']);
  });

  test('finding 5: when a scenario is deleted, then its history is hidden from viewers as the scenario is', async () => {
    const list = await request(open).get(`/api/v1/situations/${SLUG}/scenarios`).expect(200);
    const id = list.body.data[0].id;
    await request(open).get(`/api/v1/situations/${SLUG}/scenarios/${id}/history`).set(viewer.auth).expect(200);
    await request(open).delete(`/api/v1/situations/${SLUG}/scenarios/${id}`).set(editor.auth).expect(200);
    await request(open).get(`/api/v1/situations/${SLUG}/scenarios/${id}/history`).set(viewer.auth).expect(404);
    await request(open).get(`/api/v1/situations/${SLUG}/scenarios/${id}/history`).set(editor.auth).expect(200);
    await request(open).post(`/api/v1/situations/${SLUG}/scenarios/${id}/restore`).set(editor.auth).expect(200);
  });

  test.each(['/assets/manifest.json', '/assets/%6danifest.json', '/assets//manifest.json', '/assets/x/../manifest.json', '/assets/%2e/manifest.json', '/assets/%E0%A4%A'])(
    'finding 12: when %s is asked, then 404 (also with PUBLIC_READ=false)',
    async (path) => {
      for (const app of [open, closed]) {
        const res = await request(app).get(path);
        expect(res.status === 404 || (app === closed && res.status === 303)).toBe(true);
        expect(res.text).not.toContain('"files"');
      }
    },
  );
});
