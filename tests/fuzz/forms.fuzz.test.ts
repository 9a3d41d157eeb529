import { realFile } from '../helpers/fixtures';
import fs from 'node:fs';
import fc from 'fast-check';
import request from 'supertest';
import { DATABASES, freshDb, makeUser, testApp, type TestDb } from '../helpers/db';
import { assertStoredFigureValid, FUZZ_RUNS, mutated } from '../helpers/hostile';
import { buildAssetsOnce, csrfFrom, figureForm, signedIn, tokenFor } from '../pages/helpers';
import { scenarioCreateSchema } from '../../server/scenarios/scenario.schema';

/**
 * Every page form gets hostile fields (hostile.ts), sent as a browser would (urlencoded; the import form
 * also as multipart with a real file), with a valid session and CSRF token so the handlers themselves run.
 * Then: no 5xx; rows change only when the answer says so (303) and what is stored stays valid; a 400
 * re-renders the form with an error summary whose every entry links to a field on the page, with that
 * field's own message beside it.
 */
const SLUG = 'syria-2024-offensive';
const SUDAN_SLUG = 'sudan-forms-fuzz';
const SUDAN = fs.readFileSync(realFile('iom-dtm', 'subset_SDN_armed_clashes_weekly_admin0.csv'));

type Agent = ReturnType<typeof request.agent>;
type Body = Record<string, unknown>;

/** A body as a browser form would encode it: repeated names for arrays, bracketed names for objects, '' for null. */
function pairs(body: Body): [string, string][] {
  const out: [string, string][] = [];
  const add = (k: string, v: unknown) => {
    if (v === undefined) return;
    if (Array.isArray(v)) v.forEach((x) => add(k, x));
    else if (v !== null && typeof v === 'object') for (const [sk, sv] of Object.entries(v)) add(`${k}[${sk}]`, sv);
    else out.push([k, v === null ? '' : String(v)]);
  };
  for (const [k, v] of Object.entries(body)) add(k, v);
  return out;
}
const urlencoded = (body: Body) => new URLSearchParams(pairs(body)).toString();

/** Field names the error summary links to. */
const summaryLinks = (html: string) => [...(/<div class="error-summary"[\s\S]*?<\/div>/.exec(html)?.[0] ?? '').matchAll(/href="#field-([^"]+)"/g)].map((m) => m[1]);
const summaryItems = (html: string) => (/<div class="error-summary"[\s\S]*?<\/div>/.exec(html)?.[0].match(/<li>/g) ?? []).length;

/** The checks every answer must pass. `unshown` lists fields the form does not show; none may be named in a summary. */
function check(res: request.Response, where: string, unshown: string[] = []) {
  if (res.status >= 500) throw new Error(`${where}: ${res.status} ${res.text.slice(0, 300)}`);
  const html = res.text ?? '';
  if (res.status === 400 && (res.headers['content-type'] ?? '').includes('html') && !html.includes('<h1>The request could not be used</h1>')) {
    expect({ where, summary: summaryItems(html) > 0 }).toEqual({ where, summary: true });
  }
  // Wherever a summary is shown, every entry points at a field that is on the page and shows its own message.
  for (const name of summaryLinks(html).filter((n) => !unshown.includes(n))) {
    expect({ where, field: name, onPage: html.includes(`id="field-${name}"`), message: html.includes(`id="field-${name}-error"`) }).toEqual({
      where,
      field: name,
      onPage: true,
      message: true,
    });
  }
}

describe.each(DATABASES)('hostile input to the page forms on %s', (kind) => {
  let t: TestDb;
  let app: ReturnType<typeof testApp>;
  let proxied: ReturnType<typeof testApp>;
  let editor: Awaited<ReturnType<typeof makeUser>>;
  let editor2: Awaited<ReturnType<typeof makeUser>>;
  let ed: Agent;
  let ed2: Agent;
  let token: string;
  let token2: string;

  beforeAll(async () => {
    await buildAssetsOnce();
    t = await freshDb(kind, { seed: true });
    app = testApp(t.storage);
    // Sign-in is rate limited per address; behind a trusted proxy each run comes from its own address.
    proxied = testApp(t.storage, { TRUST_PROXY: 'true' });
    [editor, editor2] = await Promise.all([makeUser(t.storage, 'editor'), makeUser(t.storage, 'editor')]);
    await request(app)
      .post('/api/v1/situations')
      .set(editor.auth)
      .send({ slug: SUDAN_SLUG, title: 'Sudan', country: 'SDN', countryName: 'Sudan', onsetDate: '2023-04-15' })
      .expect(201);
    ed = await signedIn(app, editor.user.email, editor.password);
    ed2 = await signedIn(app, editor2.user.email, editor2.password);
    token = await tokenFor(ed);
    token2 = await tokenFor(ed2);
  });
  afterAll(() => t.cleanup());

  const count = async (table: 'figures' | 'scenarios' | 'sessions' | 'imports' | 'organisations' | 'locations') =>
    Number(
      (
        await t.storage.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const counts = async () => ({
    figures: await count('figures'),
    scenarios: await count('scenarios'),
    imports: await count('imports'),
    organisations: await count('organisations'),
    locations: await count('locations'),
  });
  const send = (agent: Agent, url: string, body: Body, csrf: string) =>
    agent
      .post(url)
      .type('form')
      .send(urlencoded({ ...body, _csrf: csrf }));

  /** Every stored figure and scenario still satisfies its create schema. */
  const assertAllStoredValid = async () => {
    for (const slug of [SLUG, SUDAN_SLUG]) {
      const res = await request(app).get(`/api/v1/situations/${slug}/figures?status=all&includeDeleted=true&limit=1000`).set(editor.auth).expect(200);
      for (const f of res.body.data) assertStoredFigureValid(f);
      const scenarios = await request(app).get(`/api/v1/situations/${slug}/scenarios`).expect(200);
      const keys = Object.keys(scenarioCreateSchema.shape);
      for (const s of scenarios.body.data) {
        const parsed = scenarioCreateSchema.safeParse(Object.fromEntries(keys.filter((k) => s[k] !== undefined).map((k) => [k, s[k]])));
        if (!parsed.success) throw new Error(`stored scenario ${s.id} is invalid: ${JSON.stringify(parsed.error.issues)}`);
      }
    }
  };

  let address = 0;
  test('when the sign-in form gets hostile fields, then no 5xx, and a session appears only with a redirect', async () => {
    await fc.assert(
      fc.asyncProperty(mutated({ email: editor.user.email, password: editor.password, next: '/' }), async (body) => {
        const ip = `10.${(address >> 16) & 255}.${(address >> 8) & 255}.${address++ & 255}`;
        const agent = request.agent(proxied);
        const page = await agent.get('/sign-in').set('X-Forwarded-For', ip).expect(200);
        const before = await count('sessions');
        const res = await agent
          .post('/sign-in')
          .set('X-Forwarded-For', ip)
          .type('form')
          .send(urlencoded({ ...body, _csrf: csrfFrom(page.text) }));
        check(res, `sign-in ${JSON.stringify(body).slice(0, 200)}`);
        expect(await count('sessions')).toBe(res.status === 303 ? before + 1 : before);
        if (res.status === 303) expect(res.headers.location).toMatch(/^\/(?![/\\])/);
      }),
      { numRuns: FUZZ_RUNS },
    );
  });

  test('when the figure form (create and edit) gets hostile fields, then no 5xx, 400s name their fields, and only valid figures are stored', async () => {
    const created = (
      await request(app)
        .post(`/api/v1/situations/${SLUG}/figures`)
        .set(editor.auth)
        .send({ ...figureForm(), value: 50000, valueLow: null, valueHigh: null, sourceTitle: null, notes: null })
        .expect(201)
    ).body;
    const extra = ['status', 'version', 'externalId', 'id', 'situation'];
    await fc.assert(
      fc.asyncProperty(mutated(figureForm(), extra), mutated({ ...figureForm(), version: 'current' }, extra), async (create, edit) => {
        let before = await counts();
        const res = await send(ed, `/situations/${SLUG}/figures`, create, token);
        check(res, `create ${JSON.stringify(create).slice(0, 300)}`);
        expect(await counts()).toEqual({ ...before, figures: before.figures + (res.status === 303 ? 1 : 0) });

        const current = (await request(app).get(`/api/v1/figures/${created.id}`).set(editor.auth).expect(200)).body;
        if (edit.version === 'current') edit.version = String(current.version);
        before = await counts();
        const upd = await send(ed, `/figures/${created.id}`, edit, token);
        check(upd, `edit ${JSON.stringify(edit).slice(0, 300)}`);
        expect(await counts()).toEqual(before);
      }),
      { numRuns: FUZZ_RUNS },
    );
    await assertAllStoredValid();
  });

  test('when approve, reject, delete and restore get hostile fields and ids, then no 5xx and nothing is created', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 3; i++)
      ids.push(
        (
          await request(app)
            .post(`/api/v1/situations/${SLUG}/figures`)
            .set(editor.auth)
            .send({ ...figureForm({ value: String(7000 + i) }), value: 7000 + i, valueLow: null, valueHigh: null, sourceTitle: null, notes: null })
            .expect(201)
        ).body.id,
      );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('approve', 'reject', 'delete', 'restore'),
        fc.oneof(fc.constantFrom(...ids.map(String)), fc.constantFrom('0', '-1', '1e3', '99999999', 'abc', '%2e%2e', '9007199254740993')),
        // (mutated() needs at least two keys: `next` is ignored by these routes.)
        mutated({ version: 'current', next: '/' }, ['id', 'status']),
        fc.boolean(),
        async (action, id, body, second) => {
          if (body.version === 'current') body.version = String((await request(app).get(`/api/v1/figures/${id}?includeDeleted=true`).set(editor.auth)).body.version ?? 1);
          const before = await counts();
          const res = await send(second ? ed2 : ed, `/figures/${id}/${action}`, body, second ? token2 : token);
          check(res, `${action} ${id} ${JSON.stringify(body).slice(0, 200)}`);
          expect(await counts()).toEqual(before);
        },
      ),
      { numRuns: FUZZ_RUNS },
    );
    await assertAllStoredValid();
  });

  test('when the scenario form gets hostile fields, then no 5xx, 400s name their fields, and only valid scenarios are stored', async () => {
    const valid = {
      organisation: 'WFP',
      kind: 'ceiling',
      value: '2,000,000',
      location: 'SYR',
      category: 'new_displacement',
      horizonDate: '',
      publishedOn: '2024-12-06',
      sourceUrl: 'https://example.org/s',
      quote: 'Could reach two million.',
      notes: '',
    };
    await fc.assert(
      fc.asyncProperty(mutated(valid, ['id', 'situation']), async (body) => {
        const before = await counts();
        const res = await send(ed, `/situations/${SLUG}/scenarios`, body, token);
        check(res, `scenario ${JSON.stringify(body).slice(0, 300)}`);
        expect(await counts()).toEqual({ ...before, scenarios: before.scenarios + (res.status === 303 ? 1 : 0) });
      }),
      { numRuns: FUZZ_RUNS },
    );
    await assertAllStoredValid();
  });

  test('when the import form gets hostile options (urlencoded without a file, and multipart with a real file), then no 5xx, 400s name their fields, and a preview stores nothing', async () => {
    const valid = {
      action: 'preview',
      status: 'draft',
      countryFilter: 'true',
      map: '',
      organisation: 'IOM DTM',
      sourceUrl: 'https://dtm.iom.int/sudan',
      quote: 'Figures from the DTM weekly update.',
      publishedOn: '2024-05-01',
      location: 'SDN',
      category: 'idps',
      quantifier: 'exact',
      unit: 'people',
    };
    const url = `/situations/${SUDAN_SLUG}/import`;
    await fc.assert(
      fc.asyncProperty(mutated({ ...valid, upload: '' }), mutated(valid), fc.constantFrom('preview', 'commit'), async (plain, multi, action) => {
        let before = await counts();
        const res = await send(ed, url, plain, token);
        check(res, `import urlencoded ${JSON.stringify(plain).slice(0, 300)}`);
        expect(await counts()).toEqual(before);

        if (multi.action === 'preview') multi.action = action;
        before = await counts();
        let req = ed.post(url).field('_csrf', token);
        for (const [k, v] of pairs(multi)) req = req.field(k, v);
        const up = await req.attach('file', SUDAN, { filename: 'sudan.csv', contentType: 'text/csv' });
        check(up, `import multipart ${JSON.stringify(multi).slice(0, 300)}`);
        const after = await counts();
        if (up.status === 303) {
          expect(multi.action).toBe('commit');
          expect(after.imports).toBe(before.imports + 1);
        } else expect(after).toEqual(before);
      }),
      { numRuns: FUZZ_RUNS },
    );
    await assertAllStoredValid();
  });
});
