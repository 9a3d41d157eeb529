import request from 'supertest';
import { DATABASES, freshDb, makeUser, testApp, type TestDb } from '../helpers/db';
import { realFile } from '../helpers/fixtures';
import fs from 'node:fs';
import { buildAssetsOnce, csrfFrom, signedIn, textOf } from './helpers';

const DAILY = fs.readFileSync(realFile('ukraine', 'unhcr-refugees-from-ukraine-daily-2022.csv'));
const SLUG = 'ukraine-2022';
const PAGE = `/situations/${SLUG}/import`;

// The import page offers the CLI's defaults (category, quantifier, unit…), so the UNHCR daily file imports from the browser as it is.
describe.each(DATABASES)('import page defaults on %s', (kind) => {
  let t: TestDb;
  let app: ReturnType<typeof testApp>;
  let ed: Awaited<ReturnType<typeof signedIn>>;

  beforeAll(async () => {
    await buildAssetsOnce();
    t = await freshDb(kind, { seed: true });
    app = testApp(t.storage);
    const editor = await makeUser(t.storage, 'editor');
    await request(app)
      .post('/api/v1/situations')
      .set(editor.auth)
      .send({ slug: SLUG, title: 'Ukraine 2022', country: 'UKR', countryName: 'Ukraine', onsetDate: '2022-02-24' })
      .expect(201);
    ed = await signedIn(app, editor.user.email, editor.password);
  });
  afterAll(() => t.cleanup());

  test('when the UNHCR daily file is previewed with a mapping and a default category, then 95 new refugee figures are shown; a bad category is named', async () => {
    const form = await ed.get(PAGE).expect(200);
    for (const f of ['category', 'quantifier', 'unit']) expect(form.text).toContain(`id="field-${f}"`);
    expect(form.text).toMatch(/<option value="refugees">Refugees<\/option>/);
    const fields = {
      action: 'preview',
      status: 'draft',
      map: 'data_date=periodEnd\nindividuals=value',
      category: 'refugees',
      quantifier: 'exact',
      organisation: 'UNHCR',
      sourceUrl: 'https://data.unhcr.org/en/situations/ukraine',
    };
    let req = ed.post(PAGE).field('_csrf', csrfFrom(form.text));
    for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
    const preview = await req.attach('file', DAILY, { filename: 'unhcr-daily.csv', contentType: 'text/csv' }).expect(200);
    expect(preview.text).toMatch(/id="preview-layout">mapped/);
    expect(preview.text).toContain('id="preview-new">95<');
    expect(textOf(preview.text)).toContain('UNHCR: 79,209 refugees in UKR as of 2022-02-24');
    // The commit form carries the chosen defaults.
    const commitForm = /<form[^>]*id="commit-form"[\s\S]*?<\/form>/.exec(preview.text)![0];
    expect(commitForm).toContain('name="category" value="refugees"');

    const again = await ed.get(PAGE).expect(200);
    const bad = await ed
      .post(PAGE)
      .field('_csrf', csrfFrom(again.text))
      .field('action', 'preview')
      .field('category', 'refugee')
      .attach('file', DAILY, { filename: 'unhcr-daily.csv', contentType: 'text/csv' })
      .expect(400);
    expect(bad.text).toContain('id="field-category-error"');
  });
});
