/** Forms and history that say what they mean: required fields, no silent quantifier, plural text, dates in order, history field names. */
import fs from 'node:fs';
import request from 'supertest';
import { realFile } from '../helpers/fixtures';
import { DATABASES, freshDb, makeUser, testApp, type TestDb } from '../helpers/db';
import { buildAssetsOnce, csrfFrom, figureForm, signedIn, SLUG, textOf, tokenFor } from './helpers';

describe.each(DATABASES)('form wording on %s', (kind) => {
  let t: TestDb;
  let app: ReturnType<typeof testApp>;
  let editor: Awaited<ReturnType<typeof makeUser>>;
  let ed: Awaited<ReturnType<typeof signedIn>>;

  beforeAll(async () => {
    await buildAssetsOnce();
    t = await freshDb(kind, { seed: true });
    app = testApp(t.storage);
    editor = await makeUser(t.storage, 'editor');
    ed = await signedIn(app, editor.user.email, editor.password);
  });
  afterAll(() => t.cleanup());

  test('when the new-figure form opens, then no quantifier is pre-chosen and the value field is not marked optional', async () => {
    const html = (await ed.get(`/situations/${SLUG}/figures/new`).expect(200)).text;
    const quantifier = /<select id="field-quantifier"[\s\S]*?<\/select>/.exec(html)![0];
    expect(quantifier).toMatch(/<option value="" selected>Choose…<\/option>/);
    const valueLabel = /<label for="field-value">[\s\S]*?<\/label>/.exec(html)![0];
    expect(valueLabel).not.toContain('optional');
    expect(textOf(html)).toContain('Required when the unit is people');
  });

  test('when a figure is posted without a quantifier, then the page says it is required, in the singular, with the summary focused', async () => {
    const form = await ed.get(`/situations/${SLUG}/figures/new`).expect(200);
    const res = await ed
      .post(`/situations/${SLUG}/figures`)
      .type('form')
      .send({ ...figureForm(), quantifier: '', _csrf: csrfFrom(form.text) })
      .expect(400);
    const text = textOf(res.text);
    expect(text).toContain('There is a problem: 1 field to correct');
    expect(text).toContain('Quantifier: is required');
    expect(res.text).toMatch(/<div class="error-summary"[^>]*autofocus/);
  });

  test('when a figure ends after its publication date, then 400 naming periodEnd, from the API and the form', async () => {
    const api = await request(app)
      .post(`/api/v1/situations/${SLUG}/figures`)
      .set(editor.auth)
      .send({
        location: 'SY-HL',
        category: 'new_displacement',
        periodEnd: '2024-12-06',
        value: 1000,
        quantifier: 'exact',
        organisation: 'OCHA',
        sourceUrl: 'https://example.org/a',
        publishedOn: '2024-12-01',
        quote: 'A thousand people.',
      })
      .expect(400);
    expect(api.body.error.fields).toEqual([
      { path: 'periodEnd', message: 'must be on or before the publication date (2024-12-01)', code: 'after_publication', params: { date: '2024-12-01' } },
    ]);
    const form = await ed.get(`/situations/${SLUG}/figures/new`).expect(200);
    const page = await ed
      .post(`/situations/${SLUG}/figures`)
      .type('form')
      .send({ ...figureForm({ periodEnd: '2024-12-06', publishedOn: '2024-12-01' }), _csrf: csrfFrom(form.text) })
      .expect(400);
    expect(textOf(page.text)).toContain('must be on or before the publication date (2024-12-01)');
  });

  test('when a people figure changes from 50,000 to 55,000, then its history lists the value only, not a household count', async () => {
    const created = await request(app)
      .post(`/api/v1/situations/${SLUG}/figures`)
      .set(editor.auth)
      .send({
        location: 'SY-HL',
        category: 'new_displacement',
        periodEnd: '2024-12-02',
        value: 50000,
        quantifier: 'approximately',
        organisation: 'OCHA',
        sourceUrl: 'https://example.org/b',
        publishedOn: '2024-12-02',
        quote: 'About 50,000 people.',
      })
      .expect(201);
    await request(app).patch(`/api/v1/figures/${created.body.id}`).set(editor.auth).send({ version: created.body.version, value: 55000 }).expect(200);
    const text = textOf((await ed.get(`/figures/${created.body.id}`).expect(200)).text);
    expect(text).toContain('Value in people: 50,000 → 55,000');
    expect(text).not.toContain('Number of households as published');
  });
});

describe.each(DATABASES)('import of another country on %s', (kind) => {
  let t: TestDb;
  let app: ReturnType<typeof testApp>;
  let editor: Awaited<ReturnType<typeof makeUser>>;
  const SUDAN = fs.readFileSync(realFile('iom-dtm', 'subset_SDN_armed_clashes_weekly_admin0.csv'));

  beforeAll(async () => {
    await buildAssetsOnce();
    t = await freshDb(kind, { seed: true });
    app = testApp(t.storage);
    editor = await makeUser(t.storage, 'editor');
  });
  afterAll(() => t.cleanup());

  test('when a Sudan file is previewed in the Syria situation, then one line says 45 rows are for Sudan, not 45 identical errors', async () => {
    const ed = await signedIn(app, editor.user.email, editor.password);
    const token = await tokenFor(ed, `/situations/${SLUG}/import`);
    const res = await ed
      .post(`/situations/${SLUG}/import`)
      .field('_csrf', token)
      .field('action', 'preview')
      .attach('file', SUDAN, { filename: 'sudan.csv', contentType: 'text/csv' })
      .expect(200);
    const text = textOf(res.text);
    expect(text).toContain('45 rows are for Sudan (SDN), not SYR.');
    expect(res.text).not.toContain('id="problems-table"');
    const api = await request(app).post(`/api/v1/situations/${SLUG}/imports?commit=true`).set(editor.auth).set('Content-Type', 'text/csv').send(SUDAN).expect(400);
    expect(api.body.error.fields[0]).toEqual({
      path: 'country',
      message: "45 rows are for Sudan (SDN), not the situation's country; skip them with countryFilter=true",
      code: 'rows_other_country',
      params: { rows: 45, country: 'Sudan (SDN)' },
    });
    expect(api.body.error.fields).toHaveLength(1);
  });

  test('when every row is skipped as another country, then the page says so instead of "already here"', async () => {
    const ed = await signedIn(app, editor.user.email, editor.password);
    const token = await tokenFor(ed, `/situations/${SLUG}/import`);
    const res = await ed
      .post(`/situations/${SLUG}/import`)
      .field('_csrf', token)
      .field('action', 'preview')
      .field('countryFilter', 'true')
      .attach('file', SUDAN, { filename: 'sudan.csv', contentType: 'text/csv' })
      .expect(200);
    const text = textOf(res.text);
    expect(text).toContain('All 45 rows of the file are for other countries than SYR and were skipped: nothing to import.');
    expect(text).not.toContain('already here');
  });
});
