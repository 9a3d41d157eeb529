import { REAL_DATA } from '../helpers/fixtures';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { DATABASES, freshDb, makeUser, testApp, type TestDb } from '../helpers/db';
import { PendingUploads } from '../../server/imports/pending-uploads';
import { buildAssetsOnce, csrfFrom, signedIn, textOf, tokenFor } from './helpers';

const DATA = REAL_DATA;
const SUDAN = fs.readFileSync(path.join(DATA, 'iom-dtm/subset_SDN_armed_clashes_weekly_admin0.csv'));
const SLUG = 'sudan-2023';
const PAGE = `/situations/${SLUG}/import`;
const UPLOAD_DIR = new PendingUploads().dir;

/** The id of the pending upload the page carries (hidden field), or null. */
const uploadIdOf = (html: string) => /name="upload" value="([a-f0-9]{32})"/.exec(html)?.[1] ?? null;
/** Names of the fields the error summary links to. */
const summaryFields = (html: string) => [...(/<div class="error-summary"[\s\S]*?<\/div>/.exec(html)?.[0] ?? '').matchAll(/href="#field-([\w]+)"/g)].map((m) => m[1]);
/** Temp files of this size in the upload directory (the bodies below have distinctive sizes). */
const tempFilesOfSize = (size: number) =>
  (fs.existsSync(UPLOAD_DIR) ? fs.readdirSync(UPLOAD_DIR) : [])
    .filter((n) => !n.endsWith('.json'))
    .filter((n) => fs.statSync(path.join(UPLOAD_DIR, n), { throwIfNoEntry: false })?.size === size);

describe.each(DATABASES)('import page on %s', (kind) => {
  let t: TestDb;
  let app: ReturnType<typeof testApp>;
  let editor: Awaited<ReturnType<typeof makeUser>>;
  let viewer: Awaited<ReturnType<typeof makeUser>>;
  let ed: Awaited<ReturnType<typeof signedIn>>;

  const count = async (table: 'figures' | 'imports' | 'organisations' | 'locations' = 'figures') =>
    Number(
      (
        await t.storage.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const sudanFigures = async () =>
    Number(
      (
        await t.storage.db
          .selectFrom('figures')
          .innerJoin('situations', 'situations.id', 'figures.situation_id')
          .where('situations.slug', '=', SLUG)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  /** A multipart post of the import form: token first, as the page's form sends it. */
  const post = (agent: ReturnType<typeof request.agent>, token: string | null, fields: Record<string, string>, file?: { body: Buffer | string; name?: string }) => {
    let req = agent.post(PAGE);
    if (token !== null) req = req.field('_csrf', token);
    for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
    if (file) req = req.attach('file', Buffer.isBuffer(file.body) ? file.body : Buffer.from(file.body), { filename: file.name ?? 'upload.csv', contentType: 'text/csv' });
    else req = req.field('action', fields.action ?? 'preview');
    return req;
  };

  beforeAll(async () => {
    await buildAssetsOnce();
    t = await freshDb(kind, { seed: true });
    app = testApp(t.storage);
    [editor, viewer] = await Promise.all([makeUser(t.storage, 'editor'), makeUser(t.storage, 'viewer')]);
    await request(app)
      .post('/api/v1/situations')
      .set(editor.auth)
      .send({ slug: SLUG, title: 'Sudan armed clashes', country: 'SDN', countryName: 'Sudan', onsetDate: '2023-04-15' })
      .expect(201);
    ed = await signedIn(app, editor.user.email, editor.password);
  });
  afterAll(() => t.cleanup());

  test('when anonymous or a viewer opens or posts the import page, then sign-in, 401 or 403, and nothing is written', async () => {
    const anon = await request(app).get(PAGE).expect(303);
    expect(anon.headers.location).toBe(`/sign-in?next=${encodeURIComponent(PAGE)}`);
    expect((await request(app).get('/import').expect(303)).headers.location).toBe('/sign-in?next=%2Fimport');
    // Multipart from nobody: refused before the body is read, so before any CSRF question.
    await request(app).post(PAGE).field('_csrf', 'x').attach('file', SUDAN, 'sudan.csv').expect(401);
    const v = await signedIn(app, viewer.user.email, viewer.password);
    await v.get(PAGE).expect(403);
    await v.get('/import').expect(403);
    await post(v, await tokenFor(v), { action: 'preview' }, { body: SUDAN }).expect(403);
    // The viewer sees no import link; the editor does, in the navigation and on the situation page.
    expect((await v.get('/').expect(200)).text).not.toContain('href="/import"');
    expect((await ed.get('/').expect(200)).text).toContain('href="/import"');
    expect((await ed.get(`/situations/${SLUG}`).expect(200)).text).toContain(`href="${PAGE}"`);
    expect(textOf((await ed.get('/import').expect(200)).text)).toContain('Import into Sudan armed clashes');
    expect(await sudanFigures()).toBe(0);
  });

  test('when a file that is not UTF-8 or has no known layout is previewed in French or Arabic, then the file problem is in that language', async () => {
    const latin1 = Buffer.from('location,category,periodEnd,value\nCôte,idps,2024-01-01,5\n', 'latin1');
    for (const [lang, utf8, layout] of [
      ['fr', 'n’est pas en UTF-8 (octet 0xF4', 'la structure du fichier n’est pas reconnue'],
      ['ar', 'الملف ليس بترميز UTF-8', 'لم يُتعرَّف على بنية الملف'],
    ] as const) {
      const form = await ed.get(`${PAGE}?lang=${lang}`).expect(200);
      const bad = await post(ed, csrfFrom(form.text), { action: 'preview', status: 'draft' }, { body: latin1 });
      expect(textOf(bad.text)).toContain(utf8);
      expect(textOf(bad.text)).not.toContain('is not UTF-8');
      const unknown = await post(ed, csrfFrom(form.text), { action: 'preview', status: 'draft' }, { body: 'a,b\n1,2\n' });
      expect(textOf(unknown.text)).toContain(layout);
      expect(textOf(unknown.text)).not.toContain('is not recognised');
    }
    await ed.get(`${PAGE}?lang=en`).expect(200); // the agent's language cookie back to English for the next tests
    expect(await sudanFigures()).toBe(0);
  });

  test("when the form is posted without a CSRF token or with another session's, then 403, nothing is stored and the temp file is gone", async () => {
    const body = `${SUDAN.toString('utf8')}\n`.padEnd(SUDAN.length + 777, ' ');
    await post(ed, null, { action: 'preview' }, { body }).expect(403);
    const other = csrfFrom((await request(app).get('/sign-in').expect(200)).text);
    await post(ed, other, { action: 'commit' }, { body }).expect(403);
    // The urlencoded commit form needs it too.
    await ed
      .post(PAGE)
      .type('form')
      .send({ action: 'commit', upload: 'a'.repeat(32) })
      .expect(403);
    await new Promise((r) => setTimeout(r, 50));
    expect(tempFilesOfSize(Buffer.byteLength(body))).toEqual([]);
    expect(await sudanFigures()).toBe(0);
  });

  test('when the Sudan admin0 file is previewed, then 45 new figures are shown and nothing is stored; commit stores 45 drafts; a re-import finds 45 already present', async () => {
    const before = { figures: await count(), imports: await count('imports'), organisations: await count('organisations') };
    const form = await ed.get(PAGE).expect(200);
    expect(form.text).toContain('enctype="multipart/form-data"');
    const preview = await post(ed, csrfFrom(form.text), { action: 'preview', status: 'draft' }, { body: SUDAN, name: 'subset_SDN_armed_clashes_weekly_admin0.csv' }).expect(200);
    const text = textOf(preview.text);
    expect(text).toContain('Preview of subset_SDN_armed_clashes_weekly_admin0.csv');
    expect(preview.text).toMatch(/id="preview-layout">dtm-admin0/);
    expect(preview.text).toContain('id="preview-rows">45<');
    expect(preview.text).toContain('id="preview-new">45<');
    expect(preview.text).toContain('id="preview-duplicates">0<');
    expect(text).toContain('IOM DTM');
    expect(preview.text).toContain('id="sample-table"');
    expect(text).toContain('334,053');
    expect(preview.text).not.toContain('id="problems-table"');
    expect({ figures: await count(), imports: await count('imports'), organisations: await count('organisations') }).toEqual(before);
    // The file stays on the server under a random id; the commit form carries only that id.
    const id = uploadIdOf(preview.text)!;
    expect(id).toMatch(/^[a-f0-9]{32}$/);
    expect(fs.existsSync(path.join(UPLOAD_DIR, `${id}.csv`))).toBe(true);
    const commitForm = /<form[^>]*id="commit-form"[\s\S]*?<\/form>/.exec(preview.text)![0];
    expect(commitForm).not.toContain('multipart');

    // Another signed-in editor cannot commit this upload by its id.
    const other = await makeUser(t.storage, 'editor');
    const ed2 = await signedIn(app, other.user.email, other.password);
    const token2 = await tokenFor(ed2, PAGE);
    const stolen = await ed2.post(PAGE).type('form').send({ _csrf: token2, action: 'commit', upload: id }).expect(400);
    expect(textOf(stolen.text)).toContain('The uploaded file is no longer available');
    expect(await sudanFigures()).toBe(0);

    const done = await ed
      .post(PAGE)
      .type('form')
      .send({ _csrf: csrfFrom(commitForm), action: 'commit', upload: id, status: 'draft' })
      .expect(303);
    expect(done.headers.location).toMatch(new RegExp(`^/situations/${SLUG}/imports/\\d+$`));
    expect(await sudanFigures()).toBe(45);
    expect(await count('imports')).toBe(before.imports + 1);
    expect(fs.existsSync(path.join(UPLOAD_DIR, `${id}.csv`))).toBe(false);
    expect(fs.existsSync(path.join(UPLOAD_DIR, `${id}.json`))).toBe(false);
    const importId = Number(done.headers.location.split('/').pop());
    const page = await ed.get(done.headers.location).expect(200);
    expect(textOf(page.text)).toContain(`Import ${importId} is stored: 45 figures from subset_SDN_armed_clashes_weekly_admin0.csv`);
    expect(page.text).toContain(`href="/situations/${SLUG}/figures?status=draft"`);
    const drafts = await ed.get(`/situations/${SLUG}/figures?status=draft`).expect(200);
    expect(textOf(drafts.text)).toContain('Figures (45)');
    // Posting the used id again does nothing.
    await ed
      .post(PAGE)
      .type('form')
      .send({ _csrf: csrfFrom(commitForm), action: 'commit', upload: id })
      .expect(400);
    expect(await sudanFigures()).toBe(45);

    const again = await post(ed, await tokenFor(ed, PAGE), { action: 'preview' }, { body: SUDAN }).expect(200);
    expect(again.text).toContain('id="preview-new">0<');
    expect(again.text).toContain('id="preview-duplicates">45<');
    expect(again.text).toContain('id="nothing-new"');
    expect(again.text).not.toContain('id="commit-form"');
    expect(uploadIdOf(again.text)).toBeNull();
    expect(await sudanFigures()).toBe(45);
  });

  test('when a malformed file is previewed or committed, then every problem is listed by row and nothing is stored', async () => {
    const lines = SUDAN.toString('utf8').split('\n');
    lines[4] = lines[4].replace(/,\d+,2023-05-14/, ',lots,2023-05-14');
    lines[6] = lines[6].replace('2023-05-', '2023-13-');
    const bad = lines.join('\n');
    const before = await count();
    const token = await tokenFor(ed, PAGE);
    const res = await post(ed, token, { action: 'preview' }, { body: bad, name: 'bad.csv' }).expect(200);
    expect(res.text).toContain('id="problems-table"');
    const rows = [...res.text.matchAll(/<tr><th scope="row" class="num">(\d+)<\/th>/g)].map((m) => Number(m[1]));
    expect(rows).toEqual(expect.arrayContaining([5, 7]));
    expect(textOf(res.text)).toContain('nothing can be imported until they are fixed');
    expect(res.text).not.toContain('id="commit-form"');
    expect(uploadIdOf(res.text)).toBeNull();
    // Committing it straight away is refused with the same report.
    const direct = await post(ed, token, { action: 'commit' }, { body: bad, name: 'bad.csv' }).expect(400);
    expect(direct.text).toContain('id="problems-table"');
    expect(textOf(direct.text)).toContain('nothing was imported');
    expect(await count()).toBe(before);
  });

  test('when the options are invalid, then 400 with the summary naming each field, the input kept and the file kept for the next try', async () => {
    const token = await tokenFor(ed, PAGE);
    const res = await post(
      ed,
      token,
      { action: 'preview', status: 'published', sourceUrl: 'javascript:alert(1)', publishedOn: '2024-13-45', map: 'IDPs=value\nno equals sign', quote: 'Kept <b>as typed</b>' },
      { body: SUDAN, name: 'sudan.csv' },
    ).expect(400);
    expect(summaryFields(res.text).sort()).toEqual(['map', 'publishedOn', 'sourceUrl', 'status']);
    for (const f of ['status', 'sourceUrl', 'publishedOn', 'map']) expect(res.text).toContain(`id="field-${f}-error"`);
    expect(textOf(res.text)).toContain('line 2: must be column=field');
    expect(res.text).toContain('value="2024-13-45"');
    expect(res.text).toContain('Kept &lt;b&gt;as typed&lt;/b&gt;');
    const id = uploadIdOf(res.text)!;
    expect(textOf(res.text)).toContain('Using the file you uploaded: sudan.csv');
    // Fixed options with the kept file: the preview runs without uploading again.
    const ok = await ed
      .post(PAGE)
      .type('form')
      .send({ _csrf: csrfFrom(res.text), action: 'preview', upload: id, status: 'draft' })
      .expect(200);
    expect(ok.text).toContain('id="preview-rows">45<');
    // No file at all: the file field says so.
    const none = await ed
      .post(PAGE)
      .type('form')
      .send({ _csrf: csrfFrom(res.text), action: 'preview' })
      .expect(400);
    expect(summaryFields(none.text)).toEqual(['file']);
    expect(textOf(none.text)).toContain('Choose a CSV file.');
  });

  test('when an upload replaces an earlier one in the same session, then the earlier file is removed', async () => {
    const token = await tokenFor(ed, PAGE);
    const first = uploadIdOf((await post(ed, token, { action: 'preview', publishedOn: 'x' }, { body: SUDAN }).expect(400)).text)!;
    expect(fs.existsSync(path.join(UPLOAD_DIR, `${first}.csv`))).toBe(true);
    const second = uploadIdOf((await post(ed, token, { action: 'preview', publishedOn: 'y' }, { body: SUDAN }).expect(400)).text)!;
    expect(second).not.toBe(first);
    expect(fs.existsSync(path.join(UPLOAD_DIR, `${first}.csv`))).toBe(false);
    expect(fs.existsSync(path.join(UPLOAD_DIR, `${second}.csv`))).toBe(true);
  });
});
