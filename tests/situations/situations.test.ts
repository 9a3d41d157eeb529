/** Situations: create, edit (versioned, audited), headline category, and the new/edit pages that use the same service. */
import fs from 'node:fs';
import request from 'supertest';
import { DATABASES, freshDb, makeUser, testApp, type TestDb } from '../helpers/db';
import { realFile } from '../helpers/fixtures';
import { buildAssetsOnce, csrfFrom, signedIn, textOf, tokenFor } from '../pages/helpers';

const SUDAN = fs.readFileSync(realFile('iom-dtm', 'subset_SDN_armed_clashes_weekly_admin0.csv'));

describe.each(DATABASES)('situations on %s', (kind) => {
  let t: TestDb;
  let app: ReturnType<typeof testApp>;
  let editor: Awaited<ReturnType<typeof makeUser>>;
  let admin: Awaited<ReturnType<typeof makeUser>>;
  let viewer: Awaited<ReturnType<typeof makeUser>>;

  beforeAll(async () => {
    await buildAssetsOnce();
    t = await freshDb(kind, { seed: true });
    app = testApp(t.storage);
    [editor, admin, viewer] = await Promise.all([makeUser(t.storage, 'editor'), makeUser(t.storage, 'admin'), makeUser(t.storage, 'viewer')]);
  });
  afterAll(() => t.cleanup());

  test('when an editor edits a situation with its version, then it changes, the version moves, and the history has the create and the edit', async () => {
    const created = await request(app).post('/api/v1/situations').set(editor.auth).send({ slug: 'edit-me', title: 'Edit me', country: 'SYR', onsetDate: '2024-11-27' }).expect(201);
    expect(created.body).toMatchObject({ slug: 'edit-me', headlineCategory: null, version: 1 });
    const edited = await request(app)
      .patch('/api/v1/situations/edit-me')
      .set(editor.auth)
      .send({ version: 1, title: 'Edited', headlineCategory: 'idps', description: 'Now with a description' })
      .expect(200);
    expect(edited.body).toMatchObject({ title: 'Edited', headlineCategory: 'idps', description: 'Now with a description', version: 2, onsetDate: '2024-11-27' });
    expect(edited.body.updatedAt > created.body.updatedAt).toBe(true);
    const history = await request(app).get('/api/v1/situations/edit-me/history').set(viewer.auth).expect(200);
    expect(history.body.data.map((h: { action: string; actor: string }) => [h.action, h.actor])).toEqual([
      ['create', editor.user.email],
      ['update', editor.user.email],
    ]);
    expect(history.body.data[1].before.title).toBe('Edit me');
    expect(history.body.data[1].after.title).toBe('Edited');
  });

  test('when the version is stale, a field is bad or the caller may not edit, then 409, 400 naming the field, 401 or 403, and nothing changes', async () => {
    await request(app).post('/api/v1/situations').set(editor.auth).send({ slug: 'guarded', title: 'Guarded', country: 'SYR', onsetDate: '2024-11-27' }).expect(201);
    const stale = await request(app).patch('/api/v1/situations/guarded').set(editor.auth).send({ version: 7, title: 'Lost' }).expect(409);
    expect(stale.body.error.current).toMatchObject({ title: 'Guarded', version: 1 });
    const bad = await request(app).patch('/api/v1/situations/guarded').set(editor.auth).send({ version: 1, headlineCategory: 'everyone', onsetDate: '2999-01-01' }).expect(400);
    expect(bad.body.error.fields.map((f: { path: string }) => f.path).sort()).toEqual(['headlineCategory', 'onsetDate']);
    expect((await request(app).patch('/api/v1/situations/guarded').set(editor.auth).send({ title: 'No version' }).expect(400)).body.error.fields[0].path).toBe('version');
    // The slug and the country are fixed: the schema refuses them by name.
    expect((await request(app).patch('/api/v1/situations/guarded').set(editor.auth).send({ version: 1, country: 'SDN' }).expect(400)).body.error.message).toMatch(/country/);
    await request(app).patch('/api/v1/situations/guarded').set(viewer.auth).send({ version: 1, title: 'x' }).expect(403);
    await request(app).patch('/api/v1/situations/guarded').send({ version: 1, title: 'x' }).expect(401);
    await request(app).get('/api/v1/situations/guarded/history').expect(401);
    await request(app).patch('/api/v1/situations/nowhere').set(editor.auth).send({ version: 1, title: 'x' }).expect(404);
    expect(
      (await request(app).post('/api/v1/situations').set(editor.auth).send({ slug: 'new', title: 'x', country: 'SYR', onsetDate: '2024-11-27' }).expect(400)).body.error.fields[0]
        .path,
    ).toBe('slug');
    // A country code that does not exist is refused (a situation's country cannot be changed later).
    const atlantis = await request(app)
      .post('/api/v1/situations')
      .set(editor.auth)
      .send({ slug: 'atlantis', title: 'x', country: 'QQQ', countryName: 'Atlantis', onsetDate: '2024-11-27' })
      .expect(400);
    expect(atlantis.body.error.fields).toEqual([
      expect.objectContaining({ path: 'country', code: 'iso3_unknown', message: 'QQQ is not an ISO 3166 country code (for example SYR, SDN, UKR)' }),
    ]);
    expect((await request(app).get('/api/v1/locations?country=QQQ').expect(400)).body.error.fields[0].code).toBe('iso3_unknown');
    await request(app).get('/api/v1/situations/atlantis').expect(404);
    const after = await request(app).get('/api/v1/situations/guarded').expect(200);
    expect(after.body).toMatchObject({ title: 'Guarded', version: 1 });
    expect((await request(app).get('/api/v1/situations/guarded/history').set(viewer.auth).expect(200)).body.data).toHaveLength(1);
  });

  test('when a situation has only IDP stocks and no headline set, then the analysis and the dashboard open on IDPs; a set headline wins', async () => {
    await request(app).post('/api/v1/situations').set(editor.auth).send({ slug: 'stocks-only', title: 'Stocks only', country: 'SYR', onsetDate: '2024-01-01' }).expect(201);
    for (const [end, value] of [
      ['2024-02-01', 1000],
      ['2024-03-01', 2500],
    ] as const) {
      const f = await request(app)
        .post('/api/v1/situations/stocks-only/figures')
        .set(editor.auth)
        .send({
          location: 'SYR',
          category: 'idps',
          periodEnd: end,
          value,
          quantifier: 'exact',
          organisation: 'OCHA',
          sourceUrl: 'https://example.org/r',
          publishedOn: end,
          quote: `${value} IDPs`,
        })
        .expect(201);
      await request(app).post(`/api/v1/figures/${f.body.id}/approve`).set(admin.auth).expect(200);
    }
    const series = await request(app).get('/api/v1/situations/stocks-only/series').expect(200);
    expect(series.body.category).toBe('idps');
    expect(series.body.points.map((p: { value: number }) => p.value)).toEqual([1000, 2500]);
    const dash = textOf((await request(app).get('/').expect(200)).text);
    expect(dash).toMatch(/Stocks only.*Syria|Stocks only.*SYR/);
    expect(dash).toContain('Latest report: March 1, 2024');
    // An editor's choice overrides the data: new displacement has no figures here, so the series is empty.
    const current = await request(app).get('/api/v1/situations/stocks-only').expect(200);
    await request(app).patch('/api/v1/situations/stocks-only').set(editor.auth).send({ version: current.body.version, headlineCategory: 'new_displacement' }).expect(200);
    expect((await request(app).get('/api/v1/situations/stocks-only/series').expect(200)).body.category).toBe('new_displacement');
  });

  test('when an editor uses the new and edit pages, then the situation is created and edited with the same rules, errors next to the fields, and a stale edit shows the other version', async () => {
    const ed = await signedIn(app, editor.user.email, editor.password);
    await request(app).get('/situations/new').expect(303);
    const form = await ed.get('/situations/new').expect(200);
    expect(form.text).toContain('name="slug"');
    const bad = await ed
      .post('/situations/new')
      .type('form')
      .send({ _csrf: csrfFrom(form.text), slug: 'Bad Slug', title: '', country: 'SY', onsetDate: '2024-13-01' })
      .expect(400);
    const errorsAt = [...bad.text.matchAll(/href="#field-(\w+)"/g)].map((m) => m[1]).sort();
    expect(errorsAt).toEqual(['country', 'onsetDate', 'slug', 'title']);
    expect(bad.text).toContain('value="Bad Slug"');
    const ok = await ed
      .post('/situations/new')
      .type('form')
      .send({ _csrf: csrfFrom(form.text), slug: 'from-the-page', title: 'From the page', country: 'syr', onsetDate: '2024-11-27', description: '', headlineCategory: '' })
      .expect(303);
    expect(ok.headers.location).toBe('/situations/from-the-page?done=situationCreated');
    const edit = await ed.get('/situations/from-the-page/edit').expect(200);
    expect(edit.text).toContain('name="version" value="1"');
    // Someone else saves first through the API…
    await request(app).patch('/api/v1/situations/from-the-page').set(admin.auth).send({ version: 1, title: 'Their title' }).expect(200);
    const stale = await ed
      .post('/situations/from-the-page/edit')
      .type('form')
      .send({ _csrf: csrfFrom(edit.text), version: '1', title: 'My title', onsetDate: '2024-11-27', description: '', headlineCategory: 'idps' })
      .expect(409);
    expect(textOf(stale.text)).toContain('Their title');
    expect(stale.text).toContain('value="My title"');
    const again = await ed
      .post('/situations/from-the-page/edit')
      .type('form')
      .send({ _csrf: csrfFrom(stale.text), version: '2', title: 'My title', onsetDate: '2024-11-27', description: '', headlineCategory: 'idps' })
      .expect(303);
    expect(again.headers.location).toBe('/situations/from-the-page?done=situationUpdated');
    expect((await request(app).get('/api/v1/situations/from-the-page').expect(200)).body).toMatchObject({ title: 'My title', headlineCategory: 'idps', version: 3 });
    const v = await signedIn(app, viewer.user.email, viewer.password);
    await v.get('/situations/from-the-page/edit').expect(403);
  });

  test('when an editor creates a situation from the page and an admin imports the real Sudan file as approved, then the dashboard card shows its latest IDP figure', async () => {
    const ed = await signedIn(app, editor.user.email, editor.password);
    const form = await ed.get('/situations/new').expect(200);
    const created = await ed
      .post('/situations/new')
      .type('form')
      .send({ _csrf: csrfFrom(form.text), slug: 'sudan-2023', title: 'Sudan: armed clashes', country: 'SDN', countryName: 'Sudan', onsetDate: '2023-04-15', then: 'import' })
      .expect(303);
    expect(created.headers.location).toBe('/situations/sudan-2023/import');
    const ad = await signedIn(app, admin.user.email, admin.password);
    const token = await tokenFor(ad, '/situations/sudan-2023/import');
    const done = await ad
      .post('/situations/sudan-2023/import')
      .field('_csrf', token)
      .field('action', 'commit')
      .field('status', 'approved')
      .attach('file', SUDAN, { filename: 'subset_SDN_armed_clashes_weekly_admin0.csv', contentType: 'text/csv' });
    expect([200, 303]).toContain(done.status);
    const dash = textOf((await request(app).get('/').expect(200)).text);
    const card = dash.slice(dash.indexOf('Sudan: armed clashes'));
    // The file's last round: 6,720,136 IDPs as of 17 April 2024 (public rounding on the card).
    expect(card).toMatch(/6,720,000|6\.72 million/);
    expect(card).toContain('Latest report: April 17, 2024');
    expect(card).not.toContain('No approved figures');
  });
});
