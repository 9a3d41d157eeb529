/**
 * Field errors in the reader's language (issue 15): a form posted in Arabic or French answers in that language,
 * beside the field and in the error summary, while the API keeps its English message and adds code and params.
 */
import request from 'supertest';
import { DATABASES, freshDb, makeUser, testApp, type TestDb } from '../helpers/db';
import { buildAssetsOnce, csrfFrom, figureForm, signedIn, SLUG, textOf } from './helpers';

describe.each(DATABASES)('field errors in the reader’s language on %s', (kind) => {
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

  /** A new situation without a title and with a country name one character too long (the limit is 120). */
  const badSituation = { slug: 'lang-test', title: '', country: 'SYR', countryName: 'x'.repeat(121), onsetDate: '2024-11-27', description: '', headlineCategory: 'idps' };

  const postNewSituation = async (lang: string) => {
    const form = await ed.get(`/situations/new?lang=${lang}`).expect(200);
    return ed
      .post(`/situations/new?lang=${lang}`)
      .type('form')
      .send({ ...badSituation, _csrf: csrfFrom(form.text) });
  };

  test('when the situation form is posted in Arabic without a title and with a too-long name, then both errors are in Arabic', async () => {
    const res = await postNewSituation('ar');
    expect(res.status).toBe(400);
    const text = textOf(res.text);
    expect(res.text).toContain('dir="rtl"');
    // Beside each field, and in the summary after the field's label.
    expect(res.text).toMatch(/id="field-title-error">[\s\S]*?حقل إلزامي<\/p>/);
    expect(res.text).toMatch(/id="field-countryName-error">[\s\S]*?يجب ألا يتجاوز 120 حرفاً<\/p>/);
    expect(text).toContain('يجب ألا يتجاوز 120 حرفاً');
    expect(text).not.toContain('must be at most');
    expect(text).not.toContain('is required');
  });

  test('when the same form is posted in French, then the errors are in French', async () => {
    const res = await postNewSituation('fr');
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/id="field-title-error">[\s\S]*?est obligatoire<\/p>/);
    expect(res.text).toMatch(/id="field-countryName-error">[\s\S]*?ne doit pas dépasser 120 caractères<\/p>/);
    const summary = textOf(/<div class="error-summary"[\s\S]*?<\/div>/.exec(res.text)![0]);
    expect(summary).toContain('ne doit pas dépasser 120 caractères');
    expect(summary).toContain('est obligatoire');
  });

  test('when the same situation is posted to the API in Arabic, then the message stays English and code and params are added', async () => {
    const res = await request(app)
      .post('/api/v1/situations?lang=ar')
      .set(editor.auth)
      .set('Accept-Language', 'ar')
      .send({ slug: 'lang-test', country: 'SYR', countryName: 'x'.repeat(121), onsetDate: '2024-11-27' })
      .expect(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.fields).toEqual([
      { path: 'title', message: 'is required', code: 'required' },
      { path: 'countryName', message: 'must be at most 120 characters', code: 'too_long', params: { max: 120 } },
    ]);
  });

  test('when a figure with a negative value and a bad date is posted in French, then the page says so in French with the limit in French digits', async () => {
    const form = await ed.get(`/situations/${SLUG}/figures/new?lang=fr`).expect(200);
    const res = await ed
      .post(`/situations/${SLUG}/figures?lang=fr`)
      .type('form')
      .send({ ...figureForm({ value: '-5', valueHigh: '2000000000', periodEnd: '2024-02-30' }), _csrf: csrfFrom(form.text) });
    expect(res.status).toBe(400);
    const text = textOf(res.text);
    expect(text).toContain('ne doit pas être négatif');
    // French groups with a narrow no-break space (textOf writes every space as ' ').
    expect(new Intl.NumberFormat('fr').format(1_000_000_000)).toBe('1\u202f000\u202f000\u202f000');
    expect(res.text).toContain('ne doit pas dépasser 1\u202f000\u202f000\u202f000');
    expect(text).toContain('n’est pas une date qui existe dans le calendrier');
  });

  test('when the situation page is asked for a horizon of 0 days in Arabic, then the horizon error is in Arabic', async () => {
    const res = await request(app).get(`/situations/${SLUG}?horizon=0&lang=ar`).expect(400);
    expect(textOf(res.text)).toContain('يجب ألا يقل عن يوم واحد');
    const fr = await request(app).get(`/situations/${SLUG}?horizon=400&lang=fr`).expect(400);
    expect(textOf(fr.text)).toContain('ne doit pas dépasser 365 jours');
  });

  test('when the situation page is asked for a map level that does not exist in French, then the error page lists it in French', async () => {
    const res = await request(app).get(`/situations/${SLUG}?mapLevel=5&lang=fr`).set('Accept', 'text/html').expect(400);
    expect(textOf(res.text)).toContain('mapLevel : doit être l’une des valeurs suivantes : 1, 2');
  });
});
