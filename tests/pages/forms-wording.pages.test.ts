/** Forms and history that say what they mean: required fields, no silent quantifier, plural text, dates in order, history field names. */
import request from 'supertest';
import { DATABASES, freshDb, makeUser, testApp, type TestDb } from '../helpers/db';
import { buildAssetsOnce, csrfFrom, figureForm, signedIn, SLUG, textOf } from './helpers';

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
    const res = await ed.post(`/situations/${SLUG}/figures`).type('form').send({ ...figureForm(), quantifier: '', _csrf: csrfFrom(form.text) }).expect(400);
    const text = textOf(res.text);
    expect(text).toContain('There is a problem: 1 field to correct');
    expect(text).toContain('Quantifier: is required');
    expect(res.text).toMatch(/<div class="error-summary"[^>]*autofocus/);
  });

  test('when a figure ends after its publication date, then 400 naming periodEnd, from the API and the form', async () => {
    const api = await request(app).post(`/api/v1/situations/${SLUG}/figures`).set(editor.auth).send({
      location: 'SY-HL', category: 'new_displacement', periodEnd: '2024-12-06', value: 1000, quantifier: 'exact', organisation: 'OCHA',
      sourceUrl: 'https://example.org/a', publishedOn: '2024-12-01', quote: 'A thousand people.',
    }).expect(400);
    expect(api.body.error.fields).toEqual([{ path: 'periodEnd', message: 'must be on or before the publication date (2024-12-01)' }]);
    const form = await ed.get(`/situations/${SLUG}/figures/new`).expect(200);
    const page = await ed.post(`/situations/${SLUG}/figures`).type('form').send({ ...figureForm({ periodEnd: '2024-12-06', publishedOn: '2024-12-01' }), _csrf: csrfFrom(form.text) }).expect(400);
    expect(textOf(page.text)).toContain('must be on or before the publication date (2024-12-01)');
  });

  test('when a people figure changes from 50,000 to 55,000, then its history lists the value only, not a household count', async () => {
    const created = await request(app).post(`/api/v1/situations/${SLUG}/figures`).set(editor.auth).send({
      location: 'SY-HL', category: 'new_displacement', periodEnd: '2024-12-02', value: 50000, quantifier: 'approximately', organisation: 'OCHA',
      sourceUrl: 'https://example.org/b', publishedOn: '2024-12-02', quote: 'About 50,000 people.',
    }).expect(201);
    await request(app).patch(`/api/v1/figures/${created.body.id}`).set(editor.auth).send({ version: created.body.version, value: 55000 }).expect(200);
    const text = textOf((await ed.get(`/figures/${created.body.id}`).expect(200)).text);
    expect(text).toContain('Value in people: 50,000 → 55,000');
    expect(text).not.toContain('Number of households as published');
  });
});
