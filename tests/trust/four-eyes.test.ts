import request from 'supertest';
import { signedIn, tokenFor } from '../pages/helpers';
import { DATABASES, freshDb, makeUser, testApp, type TestDb } from '../helpers/db';

const SLUG = 'syria-2024-offensive';
const draft = (over: Record<string, unknown> = {}) => ({
  location: 'SY-HM',
  category: 'new_displacement',
  periodEnd: '2024-12-06',
  value: 50000,
  quantifier: 'approximately',
  organisation: 'OCHA',
  sourceUrl: 'https://example.org/hama',
  publishedOn: '2024-12-06',
  quote: 'About 50,000 people have fled Hama.',
  ...over,
});
const CSV =
  'location,category,periodStart,periodEnd,value,quantifier,organisation,sourceUrl,publishedOn,quote\n' +
  Array.from({ length: 5 }, (_, i) => `SY-HL,new_displacement,2024-11-27,2024-12-0${i + 1},${7000 + i},exact,OCHA,https://example.org/four-eyes/${i},2024-12-06,"Row ${i}"`).join(
    '\n',
  ) +
  '\n';

describe.each(DATABASES)('four eyes on %s', (kind) => {
  let t: TestDb;
  let app: ReturnType<typeof testApp>;
  let a: Awaited<ReturnType<typeof makeUser>>;
  let b: Awaited<ReturnType<typeof makeUser>>;
  let admin: Awaited<ReturnType<typeof makeUser>>;
  beforeAll(async () => {
    t = await freshDb(kind, { seed: true });
    app = testApp(t.storage);
    [a, b, admin] = await Promise.all([makeUser(t.storage, 'editor'), makeUser(t.storage, 'editor'), makeUser(t.storage, 'admin')]);
  });
  afterAll(() => t.cleanup());

  test('when editor B edits a figure approved for editor A, then B cannot approve her own change; A (or an admin) can', async () => {
    const f = await request(app).post(`/api/v1/situations/${SLUG}/figures`).set(a.auth).send(draft()).expect(201);
    const approved = await request(app).post(`/api/v1/figures/${f.body.id}/approve`).set(b.auth).expect(200);
    const edited = await request(app).patch(`/api/v1/figures/${f.body.id}`).set(b.auth).send({ version: approved.body.version, value: 500000 }).expect(200);
    expect(edited.body).toMatchObject({ status: 'draft', changedBy: b.user.email });
    const refused = await request(app).post(`/api/v1/figures/${f.body.id}/approve`).set(b.auth).expect(403);
    expect(refused.body.error.message).toMatch(/other than the last person who changed/);
    expect((await request(app).get(`/api/v1/figures/${f.body.id}`).set(a.auth)).body.status).toBe('draft');
    await request(app).post(`/api/v1/figures/${f.body.id}/approve`).set(a.auth).expect(200);
    // An admin needs no second pair of eyes: her own change to an approved figure keeps it approved.
    const current = (await request(app).get(`/api/v1/figures/${f.body.id}`).set(admin.auth)).body;
    const byAdmin = await request(app).patch(`/api/v1/figures/${f.body.id}`).set(admin.auth).send({ version: current.version, value: 510000 }).expect(200);
    expect(byAdmin.body).toMatchObject({ status: 'approved', value: 510000, changedBy: admin.user.email });
  });

  test('when only notes change, then the editor who changed them may still approve (nothing the figure says changed)', async () => {
    const f = await request(app)
      .post(`/api/v1/situations/${SLUG}/figures`)
      .set(a.auth)
      .send(draft({ sourceUrl: 'https://example.org/notes' }))
      .expect(201);
    const noted = await request(app).patch(`/api/v1/figures/${f.body.id}`).set(b.auth).send({ version: 1, notes: 'checked against the flash update' }).expect(200);
    expect(noted.body.changedBy).toBe(a.user.email);
    await request(app).post(`/api/v1/figures/${f.body.id}/approve`).set(b.auth).expect(200);
  });

  test.each([
    ['quote', 'Some 50,000 people fled Hama.'],
    ['sourceUrl', 'https://example.org/other'],
    ['publishedOn', '2024-12-07'],
    ['organisation', 'WFP'],
    ['sourceTitle', 'Flash update 5'],
  ])('when the %s of an approved figure changes, then it goes back to draft', async (field, value) => {
    const f = await request(app)
      .post(`/api/v1/situations/${SLUG}/figures`)
      .set(a.auth)
      .send(draft({ sourceUrl: `https://example.org/prov-${field}` }))
      .expect(201);
    const ok = await request(app).post(`/api/v1/figures/${f.body.id}/approve`).set(b.auth).expect(200);
    const edited = await request(app)
      .patch(`/api/v1/figures/${f.body.id}`)
      .set(a.auth)
      .send({ version: ok.body.version, [field]: value })
      .expect(200);
    expect(edited.body).toMatchObject({ status: 'draft', [field]: value });
  });

  test('when an editor imports with status=approved, then 403 naming status and nothing is stored; a second editor approves all the drafts in one step', async () => {
    const send = (who: typeof a, query: Record<string, string>) =>
      request(app).post(`/api/v1/situations/${SLUG}/imports`).query(query).set(who.auth).set('Content-Type', 'text/csv').send(Buffer.from(CSV));
    const refused = await send(a, { commit: 'true', status: 'approved' }).expect(403);
    expect(refused.body.error.fields).toEqual([{ path: 'status', message: expect.stringMatching(/admin/), code: 'approved_needs_admin' }]);
    await send(a, { status: 'approved' }).expect(403); // the preview too
    const figures = await request(app).get(`/api/v1/situations/${SLUG}/figures`).query({ status: 'all', location: 'SY-HL' }).set(a.auth).expect(200);
    expect(figures.body.data.filter((f: { sourceUrl: string }) => f.sourceUrl.includes('four-eyes'))).toHaveLength(0);

    // An editor's import lands as drafts; a second editor approves them all in one step, the importer cannot.
    const done = await send(a, { commit: 'true' }).expect(201);
    const own = await request(app).post(`/api/v1/situations/${SLUG}/imports/${done.body.importId}/approve`).set(a.auth).expect(200);
    expect(own.body).toEqual({ approved: 0, skipped: 5 });
    const second = await request(app).post(`/api/v1/situations/${SLUG}/imports/${done.body.importId}/approve`).set(b.auth).expect(200);
    expect(second.body).toEqual({ approved: 5, skipped: 0 });
    const after = await request(app).get(`/api/v1/situations/${SLUG}/figures`).query({ location: 'SY-HL' }).expect(200);
    const mine = after.body.data.filter((f: { sourceUrl: string }) => f.sourceUrl.includes('four-eyes'));
    expect(mine).toHaveLength(5);
    const history = await request(app).get(`/api/v1/figures/${mine[0].id}/history`).set(a.auth).expect(200);
    expect(history.body.data.map((h: { action: string; actor: string }) => [h.action, h.actor])).toEqual([
      ['import', a.user.email],
      ['approve', b.user.email],
    ]);
    await request(app).post(`/api/v1/situations/${SLUG}/imports/999999/approve`).set(b.auth).expect(404);
  });

  test("when a second editor opens the page of an editor's import, then one button approves all its drafts; the importer is told to ask someone else", async () => {
    const csv = CSV.replace(/four-eyes/g, 'four-eyes-page');
    const done = await request(app)
      .post(`/api/v1/situations/${SLUG}/imports`)
      .query({ commit: 'true' })
      .set(a.auth)
      .set('Content-Type', 'text/csv')
      .send(Buffer.from(csv))
      .expect(201);
    const page = `/situations/${SLUG}/imports/${done.body.importId}`;
    const importer = await signedIn(app, a.user.email, a.password);
    const own = await importer.get(page).expect(200);
    expect(own.text).toContain('id="approve-own"');
    expect(own.text).not.toContain('id="approve-all"');
    const second = await signedIn(app, b.user.email, b.password);
    const csrf = await tokenFor(second, page);
    const res = await second.post(`${page}/approve`).type('form').send({ _csrf: csrf }).expect(303);
    const after = await second.get(res.headers.location).expect(200);
    expect(after.text).toContain('id="approved-now"');
    expect(after.text).toContain('5 figure(s) approved.');
    expect(after.text).not.toContain('id="approve-all"');
  });
});
