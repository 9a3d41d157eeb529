import request from 'supertest';
import { createHash } from 'node:crypto';
import { DATABASES, freshDb, makeUser, testApp, type TestDb } from '../helpers/db';
import { buildAssetsOnce, csrfFrom, figureForm, signedIn, SLUG, textOf, tokenFor } from './helpers';

describe.each(DATABASES)('page forms on %s', (kind) => {
  let t: TestDb;
  let app: ReturnType<typeof testApp>;
  let editor: Awaited<ReturnType<typeof makeUser>>;
  let editor2: Awaited<ReturnType<typeof makeUser>>;
  let viewer: Awaited<ReturnType<typeof makeUser>>;
  let ed: Awaited<ReturnType<typeof signedIn>>;

  beforeAll(async () => {
    await buildAssetsOnce();
    t = await freshDb(kind, { seed: true });
    app = testApp(t.storage);
    [editor, editor2, viewer] = await Promise.all([makeUser(t.storage, 'editor'), makeUser(t.storage, 'editor'), makeUser(t.storage, 'viewer')]);
    ed = await signedIn(app, editor.user.email, editor.password);
  });
  afterAll(() => t.cleanup());

  const count = async (table: 'figures' | 'scenarios' | 'sessions') =>
    Number(
      (
        await t.storage.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  test('when any form is posted without a CSRF token (even signed in), then 403 and nothing changes', async () => {
    const before = { figures: await count('figures'), scenarios: await count('scenarios'), sessions: await count('sessions') };
    const routes = [
      ['/sign-in', { email: editor.user.email, password: editor.password }],
      ['/sign-out', {}],
      [`/situations/${SLUG}/figures`, figureForm()],
      ['/figures/1', { ...figureForm(), version: '1' }],
      ['/figures/1/approve', { version: '1' }],
      ['/figures/1/reject', { version: '1' }],
      ['/figures/1/delete', { version: '1' }],
      ['/figures/1/restore', {}],
      [`/situations/${SLUG}/scenarios`, { organisation: 'WFP', kind: 'ceiling', value: '2000000' }],
    ] as const;
    for (const [path, body] of routes) {
      const res = await ed.post(path).type('form').send(body);
      expect({ path, status: res.status }).toEqual({ path, status: 403 });
      // A token from another session does not count either.
      const other = await request(app).get('/sign-in');
      const forged = await ed
        .post(path)
        .type('form')
        .send({ ...body, _csrf: csrfFrom(other.text) });
      expect({ path, status: forged.status }).toEqual({ path, status: 403 });
    }
    expect({ figures: await count('figures'), scenarios: await count('scenarios'), sessions: await count('sessions') }).toEqual(before);
    // Still signed in: sign-out without a token did nothing.
    expect((await ed.get('/').expect(200)).text).toContain(editor.user.email);
  });

  test('when signing in, then the session cookie is httpOnly and SameSite=Lax, and only its SHA-256 is stored', async () => {
    const agent = request.agent(app);
    const page = await agent.get('/sign-in').expect(200);
    const res = await agent
      .post('/sign-in')
      .type('form')
      .send({ email: viewer.user.email, password: viewer.password, next: '/situations/' + SLUG, _csrf: csrfFrom(page.text) })
      .expect(303);
    expect(res.headers.location).toBe('/situations/' + SLUG);
    const cookie = (res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('dt_session='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toMatch(/Secure/i);
    const id = decodeURIComponent(/^dt_session=([^;]+)/.exec(cookie)![1]);
    const rows = await t.storage.db.selectFrom('sessions').select('id').execute();
    expect(rows.map((r) => r.id)).toContain(createHash('sha256').update(id).digest('hex'));
    expect(rows.map((r) => r.id)).not.toContain(id);
    // Signing out removes the row.
    const token = await tokenFor(agent);
    await agent.post('/sign-out').type('form').send({ _csrf: token }).expect(303);
    expect((await t.storage.db.selectFrom('sessions').select('id').execute()).map((r) => r.id)).not.toContain(createHash('sha256').update(id).digest('hex'));
    expect((await agent.get('/').expect(200)).text).toContain('Sign in');
  });

  test('when served over HTTPS behind a proxy, then the session cookie is Secure', async () => {
    const proxied = testApp(t.storage, { TRUST_PROXY: 'true' });
    const agent = request.agent(proxied);
    const page = await agent.get('/sign-in').set('X-Forwarded-Proto', 'https').expect(200);
    const res = await agent
      .post('/sign-in')
      .set('X-Forwarded-Proto', 'https')
      .set('Cookie', (page.headers['set-cookie'] as unknown as string[]).map((c) => c.split(';')[0]).join('; '))
      .type('form')
      .send({ email: viewer.user.email, password: viewer.password, _csrf: csrfFrom(page.text) })
      .expect(303);
    expect((res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('dt_session='))).toMatch(/; Secure/);
  });

  test('when the password is wrong, then 401, the email is kept, and after 10 failures the address gets 429', async () => {
    const limited = testApp(t.storage, { TRUST_PROXY: 'true' });
    const agent = request.agent(limited);
    const token = csrfFrom((await agent.get('/sign-in').set('X-Forwarded-For', '203.0.113.7')).text);
    const wrong = await agent.post('/sign-in').set('X-Forwarded-For', '203.0.113.7').type('form').send({ email: editor.user.email, password: 'nope', _csrf: token }).expect(401);
    expect(wrong.text).toContain('The email address or the password is wrong.');
    expect(wrong.text).toContain(`value="${editor.user.email}"`);
    for (let i = 0; i < 9; i++)
      await agent.post('/sign-in').set('X-Forwarded-For', '203.0.113.7').type('form').send({ email: editor.user.email, password: 'nope', _csrf: token }).expect(401);
    const blocked = await agent
      .post('/sign-in')
      .set('X-Forwarded-For', '203.0.113.7')
      .type('form')
      .send({ email: editor.user.email, password: editor.password, _csrf: token })
      .expect(429);
    expect(blocked.text).toContain('Too many failed attempts');
    // Another address is not affected.
    const other = request.agent(limited);
    const t2 = csrfFrom((await other.get('/sign-in').set('X-Forwarded-For', '203.0.113.8')).text);
    await other.post('/sign-in').set('X-Forwarded-For', '203.0.113.8').type('form').send({ email: editor.user.email, password: editor.password, _csrf: t2 }).expect(303);
  });

  test('when the email holds a NUL character or is not an email, then 400 names the email field (PostgreSQL never sees it)', async () => {
    const agent = request.agent(app);
    const token = csrfFrom((await agent.get('/sign-in')).text);
    for (const email of [`${editor.user.email}\u0000`, 'not an email']) {
      const res = await agent.post('/sign-in').type('form').send({ email, password: editor.password, _csrf: token }).expect(400);
      expect(res.text).toContain('Enter an email address such as name@example.org.');
    }
  });

  test('when a page or API path holds a NUL character, then the answer is a 4xx, never a 500', async () => {
    for (const url of ['/situations/a%00b', '/api/v1/situations/a%00b/series', '/api/v1/situations/a%00b/export/figures.csv', '/situations/a%00b/export/figures.csv']) {
      const res = await request(app).get(url);
      expect([400, 404]).toContain(res.status);
    }
  });

  test('when the figure form is invalid, then it is re-rendered with 400, every error beside its field and in the summary, the input kept, and nothing stored', async () => {
    const before = await count('figures');
    const token = await tokenFor(ed, `/situations/${SLUG}/figures/new`);
    const res = await ed
      .post(`/situations/${SLUG}/figures`)
      .type('form')
      .send({ ...figureForm({ value: 'lots', periodEnd: '2024-13-45', sourceUrl: 'javascript:alert(1)', quote: 'Kept <b>exactly</b> as typed' }), _csrf: token })
      .expect(400);
    expect(res.text).toContain('class="error-summary"');
    for (const field of ['value', 'periodEnd', 'sourceUrl']) {
      expect(res.text).toContain(`href="#field-${field}"`);
      expect(res.text).toContain(`id="field-${field}-error"`);
      expect(res.text).toMatch(new RegExp(`id="field-${field}"[^>]*aria-invalid="true"`));
    }
    expect(res.text).toContain('value="lots"');
    expect(res.text).toContain('value="2024-13-45"');
    expect(res.text).toContain('Kept &lt;b&gt;exactly&lt;/b&gt; as typed');
    expect(await count('figures')).toBe(before);
  });

  test('when the figure form is sent empty, then each required field says it is required, in plain words', async () => {
    const token = await tokenFor(ed, `/situations/${SLUG}/figures/new`);
    const res = await ed.post(`/situations/${SLUG}/figures`).type('form').send({ _csrf: token, unit: 'people' }).expect(400);
    const text = textOf(res.text);
    for (const label of ['Organisation', 'Source address (URL)', 'Quote']) expect(text).toContain(`${label}: is required`);
    expect(text).not.toContain('expected string');
  });

  test('when a referenced organisation or location is unknown, then 400 with the message beside the field', async () => {
    const before = await count('figures');
    const token = await tokenFor(ed, `/situations/${SLUG}/figures/new`);
    const res = await ed
      .post(`/situations/${SLUG}/figures`)
      .type('form')
      .send({ ...figureForm({ organisation: 'Nobody' }), _csrf: token })
      .expect(400);
    expect(textOf(res.text)).toContain('unknown organisation "Nobody"');
    expect(await count('figures')).toBe(before);
  });

  test('when the scenario form is invalid, then 400 with errors and nothing stored; when valid, then it is listed', async () => {
    const before = await count('scenarios');
    const token = await tokenFor(ed, `/situations/${SLUG}/scenarios`);
    const bad = await ed.post(`/situations/${SLUG}/scenarios`).type('form').send({ organisation: 'WFP', kind: '', value: '-5', quote: '', _csrf: token }).expect(400);
    expect(bad.text).toContain('id="field-kind-error"');
    expect(bad.text).toContain('value="-5"');
    expect(await count('scenarios')).toBe(before);
    await ed
      .post(`/situations/${SLUG}/scenarios`)
      .type('form')
      .send({
        organisation: 'UNHCR',
        kind: 'planning_figure',
        value: '1,000,000',
        location: 'SYR',
        category: 'new_displacement',
        publishedOn: '2024-12-06',
        sourceUrl: 'https://example.org/plan',
        quote: 'Planning for one million.',
        _csrf: token,
      })
      .expect(303);
    expect(await count('scenarios')).toBe(before + 1);
    const list = await request(app).get(`/situations/${SLUG}/scenarios`).expect(200);
    expect(list.text).toContain('Planning for one million.');
    expect(list.text).toContain('1,000,000');
    expect(list.text).not.toContain('/delete"'); // readers get no delete buttons

    // An editor deletes it (it moves to "Deleted scenarios") and restores it.
    const id = (await t.storage.db.selectFrom('scenarios').select('id').where('quote', '=', 'Planning for one million.').executeTakeFirstOrThrow()).id;
    const page = await ed.get(`/situations/${SLUG}/scenarios`).expect(200);
    expect(page.text).toContain(`/scenarios/${id}/delete"`);
    const token2 = csrfFrom(page.text);
    const gone = await ed.post(`/situations/${SLUG}/scenarios/${id}/delete`).type('form').send({ _csrf: token2 }).expect(303);
    expect(gone.headers.location).toBe(`/situations/${SLUG}/scenarios?done=scenarioDeleted`);
    const after = await ed.get(gone.headers.location).expect(200);
    expect(after.text).toContain('The scenario was deleted.');
    expect(after.text).toContain('id="deleted-scenarios-table"');
    expect(after.text).toContain(`/scenarios/${id}/restore"`);
    expect((await request(app).get(`/situations/${SLUG}/scenarios`).expect(200)).text).not.toContain('Planning for one million.');
    await ed
      .post(`/situations/${SLUG}/scenarios/${id}/restore`)
      .type('form')
      .send({ _csrf: csrfFrom(after.text) })
      .expect(303);
    expect((await request(app).get(`/situations/${SLUG}/scenarios`).expect(200)).text).toContain('Planning for one million.');
    await ed.post(`/situations/${SLUG}/scenarios/${id}/delete`).type('form').send({}).expect(403); // no CSRF token
  });

  test('when an editor adds a figure, then it is a draft until a second editor approves it, and then it counts on the situation page', async () => {
    const token = await tokenFor(ed, `/situations/${SLUG}/figures/new`);
    const created = await ed
      .post(`/situations/${SLUG}/figures`)
      .type('form')
      .send({ ...figureForm({ value: '61,234', quote: 'Some 61,234 people left Aleppo city.' }), _csrf: token })
      .expect(303);
    const path = created.headers.location.split('?')[0];
    const id = Number(path.split('/').pop());
    const detail = await ed.get(created.headers.location).expect(200);
    expect(detail.text).toContain('The figure was saved.');
    expect(detail.text).toContain('status-draft');
    // Readers do not see drafts.
    await request(app).get(path).expect(404);
    // The author cannot approve their own figure.
    const own = await ed
      .post(`${path}/approve`)
      .type('form')
      .send({ version: '1', _csrf: csrfFrom(detail.text) })
      .expect(403);
    expect(own.text).toContain('approved by an editor other than the last person who changed what it says');
    const ed2 = await signedIn(app, editor2.user.email, editor2.password);
    const page2 = await ed2.get(path).expect(200);
    await ed2
      .post(`${path}/approve`)
      .type('form')
      .send({ version: '1', _csrf: csrfFrom(page2.text) })
      .expect(303);
    const loc = await request(app).get(`/situations/${SLUG}?location=SY-HL`).expect(200);
    expect(loc.text).toContain('61,234');
    expect(loc.text).toContain('Some 61,234 people left Aleppo city.');
    // History lists create and approve.
    const hist = await ed.get(path).expect(200);
    expect(textOf(hist.text)).toMatch(/Approved/);
    expect(textOf(hist.text)).toMatch(/Created/);
    expect(id).toBeGreaterThan(0);
  });

  test('when two editors edit the same figure, then the second gets 409 with both versions side by side and the input kept', async () => {
    const ed2 = await signedIn(app, editor2.user.email, editor2.password);
    const form1 = await ed.get('/figures/2/edit').expect(200);
    const form2 = await ed2.get('/figures/2/edit').expect(200);
    const version = /name="version" value="(\d+)"/.exec(form1.text)![1];
    const values = (over: Record<string, string>) => ({
      ...figureForm({
        location: 'SYR',
        locationRole: 'unknown',
        periodStart: '2024-11-27',
        periodEnd: '2024-11-30',
        value: '48,500',
        quantifier: 'more_than',
        publishedOn: '2024-11-30',
        quote: 'Over 48,500 people displaced.',
      }),
      version,
      ...over,
    });
    await ed
      .post('/figures/2')
      .type('form')
      .send({ ...values({ notes: 'First editor was here' }), _csrf: csrfFrom(form1.text) })
      .expect(303);
    const conflict = await ed2
      .post('/figures/2')
      .type('form')
      .send({ ...values({ notes: 'Second editor note' }), _csrf: csrfFrom(form2.text) })
      .expect(409);
    const text = textOf(conflict.text);
    expect(text).toContain('This figure was changed by someone else');
    expect(text).toContain('Your version');
    expect(text).toContain('Current version');
    expect(text).toContain('Second editor note');
    expect(text).toContain('First editor was here');
    expect(conflict.text).toMatch(/<textarea id="field-notes"[^>]*>Second editor note<\/textarea>/);
    // The re-rendered form carries the current version, so saving again is a deliberate overwrite.
    const newVersion = /name="version" value="(\d+)"/.exec(conflict.text)![1];
    expect(Number(newVersion)).toBe(Number(version) + 1);
    await ed2
      .post('/figures/2')
      .type('form')
      .send({ ...values({ notes: 'Second editor note', version: newVersion }), _csrf: csrfFrom(conflict.text) })
      .expect(303);
  });

  test('when an editor deletes and restores a figure, then it leaves and returns to the public list', async () => {
    const page = await ed.get('/figures/3').expect(200);
    const version =
      /action="\/figures\/3\/delete"><input type="hidden" name="_csrf" value="[^"]+">\s*<input type="hidden" name="version" value="(\d+)"/.exec(page.text)?.[1] ??
      /name="version" value="(\d+)"/.exec(page.text)![1];
    await ed
      .post('/figures/3/delete')
      .type('form')
      .send({ version, _csrf: csrfFrom(page.text) })
      .expect(303);
    await request(app).get('/figures/3').expect(404);
    const deleted = await ed.get('/figures/3?done=deleted').expect(200);
    expect(deleted.text).toContain('status-deleted');
    await ed
      .post('/figures/3/restore')
      .type('form')
      .send({ _csrf: csrfFrom(deleted.text) })
      .expect(303);
    await request(app).get('/figures/3').expect(200);
  });

  test('when a stale version approves, then 409 with a "changed by someone else" message', async () => {
    const token = await tokenFor(ed, `/situations/${SLUG}/figures/new`);
    const created = await ed
      .post(`/situations/${SLUG}/figures`)
      .type('form')
      .send({ ...figureForm({ value: '1234' }), _csrf: token })
      .expect(303);
    const path = created.headers.location.split('?')[0];
    const ed2 = await signedIn(app, editor2.user.email, editor2.password);
    const page = await ed2.get(path).expect(200);
    const res = await ed2
      .post(`${path}/approve`)
      .type('form')
      .send({ version: '99', _csrf: csrfFrom(page.text) })
      .expect(409);
    expect(textOf(res.text)).toContain('was changed by someone else');
  });

  test('when a reader opens a form page, then sign-in is asked; a viewer gets 403', async () => {
    const anon = await request(app).get(`/situations/${SLUG}/figures/new`).expect(303);
    expect(anon.headers.location).toBe(`/sign-in?next=${encodeURIComponent(`/situations/${SLUG}/figures/new`)}`);
    const v = await signedIn(app, viewer.user.email, viewer.password);
    await v.get(`/situations/${SLUG}/figures/new`).expect(403);
    const token = await tokenFor(v);
    await v
      .post(`/situations/${SLUG}/figures`)
      .type('form')
      .send({ ...figureForm(), _csrf: token })
      .expect(403);
  });

  test('when sign-in is given an outside "next", then it returns to the dashboard instead', async () => {
    const agent = request.agent(app);
    const page = await agent.get('/sign-in?next=//evil.example/x').expect(200);
    expect(page.text).toContain('name="next" value="/"');
    const res = await agent
      .post('/sign-in')
      .type('form')
      .send({ email: viewer.user.email, password: viewer.password, next: 'https://evil.example', _csrf: csrfFrom(page.text) })
      .expect(303);
    expect(res.headers.location).toBe('/');
  });
});
