/** The language of a request, the profile's language, location names in Arabic and French, digits and caching, on both databases. */
import request from 'supertest';
import { DATABASES, freshDb, makeUser, testApp, type TestDb } from '../helpers/db';
import { buildAssetsOnce, csrfFrom, signedIn, SLUG } from '../pages/helpers';
import { LocationsService } from '../../server/locations/locations.service';
import { createI18n } from '../../server/i18n/i18n';
import { translator } from '../../server/i18n/format';
import { loadConfig } from '../../server/config';

const PAGE = `/situations/${SLUG}`;
const langOf = (html: string) => /<html lang="([^"]+)" dir="([^"]+)">/.exec(html)!.slice(1);

describe('plural forms and digits', () => {
  test('when Arabic counts 0, 1, 2, 3, 11 and 100 problems, then each count gets its own form', () => {
    const ar = createI18n('ar');
    const intro = (n: number) => ar.t('import.problemsIntro', { count: n });
    expect(intro(0)).toBe('لا توجد مشكلات في الملف.');
    expect(intro(1)).toMatch(/^في الملف مشكلة واحدة؛/);
    expect(intro(2)).toMatch(/^في الملف مشكلتان؛/);
    expect(intro(3)).toMatch(/^في الملف 3 مشكلات؛/);
    expect(intro(11)).toMatch(/^في الملف 11 مشكلة؛/);
    expect(intro(100)).toMatch(/^في الملف 100 مشكلة؛/);
  });

  test('when French counts 0 and 1 and 2, then 0 and 1 are singular', () => {
    const fr = createI18n('fr');
    expect(fr.t('import.commit', { count: 0 })).toBe('Importer 0 chiffre');
    expect(fr.t('import.commit', { count: 1 })).toBe('Importer 1 chiffre');
    expect(fr.t('import.commit', { count: 2 })).toBe('Importer 2 chiffres');
  });

  test('when Arabic pages use Western digits (default) or Arabic-Indic digits, then numbers, counts and dates follow', () => {
    const latn = createI18n('ar');
    const arab = createI18n('ar', { arabicDigits: 'arab' });
    expect(latn.number(1234567)).toBe('1,234,567');
    expect(arab.number(1234567)).toBe('١٬٢٣٤٬٥٦٧');
    expect(latn.dateWords('2024-12-06')).toMatch(/^6 .+ 2024$/);
    expect(arab.dateWords('2024-12-06')).toMatch(/^٦ .+ ٢٠٢٤$/);
    expect(arab.t('import.commit', { count: 1500 })).toBe('استيراد ١٬٥٠٠ رقم');
    // The same catalogue through the browser's translator, with the locale the chart payload carries.
    expect(translator({ 'k.few': '{count} أيام', 'k.other': '{count} يوم' }, 'ar', arab.locale)('k', { count: 3 })).toBe('٣ أيام');
  });

  test('when ARABIC_DIGITS is not latn or arab, then start-up stops naming the variable', () => {
    expect(loadConfig({ ARABIC_DIGITS: 'arab' }).ARABIC_DIGITS).toBe('arab');
    expect(loadConfig({}).ARABIC_DIGITS).toBe('latn');
    expect(() => loadConfig({ ARABIC_DIGITS: 'hindi' })).toThrow(/ARABIC_DIGITS: must be latn \(Western digits\) or arab/);
  });

  test('when a page asks for the same language twice, then it gets the same cached I18n', () => {
    expect(createI18n('fr')).toBe(createI18n('fr'));
    expect(createI18n('ar', { arabicDigits: 'arab' })).not.toBe(createI18n('ar'));
  });
});

describe.each(DATABASES)('languages on %s', (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    await buildAssetsOnce();
    t = await freshDb(kind, { seed: true });
  });
  afterAll(() => t.cleanup());

  test('when the reference locations are seeded, then Syria’s governorates carry their Arabic and French names, also in the API', async () => {
    const res = await request(testApp(t.storage)).get('/api/v1/locations?country=SYR').expect(200);
    const byCode = new Map((res.body.data as { code: string; name: string; nameAr: string | null; nameFr: string | null }[]).map((l) => [l.code, l]));
    expect(byCode.get('SY-HL')).toMatchObject({ name: 'Aleppo', nameAr: 'حلب', nameFr: 'Alep' });
    expect(byCode.get('SY-RD')).toMatchObject({ nameAr: 'ريف دمشق' });
    expect(byCode.get('SY-DY')).toMatchObject({ nameAr: 'دير الزور' });
    expect(byCode.get('SY-NES')?.nameAr).toBe('شمال شرق سوريا (الحسكة، الرقة، دير الزور)');
  });

  test('when a known location is ensured again with names, then it gains the names it lacked and keeps everything else', async () => {
    const locations = new LocationsService(t.storage);
    await locations.ensure([{ code: 'XX-T1', name: 'Test place', adminLevel: 1, parentCode: null, country: 'XXX', isArea: false, pcode: null }]);
    await locations.ensure([{ code: 'XX-T1', name: 'Renamed', adminLevel: 2, parentCode: null, country: 'XXX', isArea: false, pcode: null, nameAr: 'مكان', nameFr: 'Lieu' }]);
    await locations.ensure([{ code: 'XX-T1', name: 'Again', adminLevel: 1, parentCode: null, country: 'XXX', isArea: false, pcode: null, nameAr: 'آخر', nameFr: 'Autre' }]);
    expect(await locations.get('XX-T1')).toEqual({
      code: 'XX-T1',
      name: 'Test place',
      adminLevel: 1,
      parentCode: null,
      country: 'XXX',
      isArea: false,
      pcode: null,
      nameAr: 'مكان',
      nameFr: 'Lieu',
    });
  });

  test('when a page is in Arabic or French, then locations show their names in it; English keeps the default names', async () => {
    const app = testApp(t.storage);
    const ar = await request(app).get(`${PAGE}?lang=ar`).expect(200);
    expect(ar.text).toMatch(/>\s*حلب \(SY-HL\)</);
    const fr = await request(app).get(`${PAGE}?lang=fr`).expect(200);
    expect(fr.text).toMatch(/>\s*Alep \(SY-HL\)</);
    const en = await request(app).get(PAGE).expect(200);
    expect(en.text).toMatch(/>\s*Aleppo \(SY-HL\)</);
  });

  test('when sitrep.txt is asked for in Arabic, then its source line credits the application in Arabic; a configured instance name stays as written', async () => {
    const ar = await request(testApp(t.storage)).get(`${PAGE}/sitrep.txt?lang=ar`).expect(200);
    expect(ar.text).toContain('متتبّع النزوح');
    expect(ar.text).not.toContain('Displacement tracker');
    const named = await request(testApp(t.storage, { INSTANCE_NAME: 'OCHA Syria IM unit' }))
      .get(`${PAGE}/sitrep.txt?lang=ar`)
      .expect(200);
    expect(named.text).toContain('OCHA Syria IM unit');
  });

  test('when ?lang, the cookie, the profile, Accept-Language and LOCALE disagree, then they count in that order', async () => {
    const app = testApp(t.storage, { LOCALE: 'fr' });
    const { user, password } = await makeUser(t.storage, 'viewer');
    // LOCALE alone.
    expect(langOf((await request(app).get('/').expect(200)).text)).toEqual(['fr', 'ltr']);
    // Accept-Language over LOCALE (a language without a catalogue is passed over).
    expect(langOf((await request(app).get('/').set('Accept-Language', 'de-DE, ar;q=0.8').expect(200)).text)).toEqual(['ar', 'rtl']);
    // The profile over Accept-Language.
    const agent = await signedIn(app, user.email, password);
    const account = await agent.get('/account/tokens').expect(200);
    await agent
      .post('/account/language')
      .type('form')
      .send({ language: 'en', _csrf: csrfFrom(account.text) })
      .expect(303);
    const fresh = await signedIn(app, user.email, password); // a new browser: no language cookie yet
    expect(langOf((await fresh.get('/').set('Accept-Language', 'ar').expect(200)).text)).toEqual(['en', 'ltr']);
    // The cookie over the profile, ?lang over the cookie (and ?lang sets the cookie).
    const withQuery = await fresh.get('/?lang=ar').expect(200);
    expect(String(withQuery.headers['set-cookie'])).toMatch(/dt_lang=ar;.*Max-Age=31536000/);
    expect(langOf((await fresh.get('/').expect(200)).text)).toEqual(['ar', 'rtl']);
    expect(langOf((await fresh.get('/?lang=fr').expect(200)).text)).toEqual(['fr', 'ltr']);
    // A language without a catalogue in ?lang or the cookie is ignored, never an error.
    expect(langOf((await request(app).get('/?lang=xx').set('Cookie', 'dt_lang=zz').expect(200)).text)).toEqual(['fr', 'ltr']);
  });

  test('when the account page saves a language, then the profile keeps it; a bad value is a 400 naming the field', async () => {
    const app = testApp(t.storage);
    const { user, password } = await makeUser(t.storage, 'viewer');
    const agent = await signedIn(app, user.email, password);
    const page = await agent.get('/account/tokens').expect(200);
    expect(page.text).toContain('id="language-form"');
    const bad = await agent
      .post('/account/language')
      .type('form')
      .send({ language: 'de', _csrf: csrfFrom(page.text) })
      .expect(400);
    expect(bad.text).toContain('language');
    const saved = await agent
      .post('/account/language')
      .type('form')
      .send({ language: 'ar', _csrf: csrfFrom(page.text) })
      .expect(303);
    expect(String(saved.headers['set-cookie'])).toMatch(/dt_lang=ar/);
    const row = await t.storage.db.selectFrom('users').select('locale').where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(row.locale).toBe('ar');
    const after = await agent.get('/account/tokens?done=language').expect(200);
    expect(after.text).toContain('حُفظت لغتك.');
    // "As the browser asks" clears the profile's language and the cookie.
    const cleared = await agent
      .post('/account/language')
      .type('form')
      .send({ language: '', _csrf: csrfFrom(after.text) })
      .expect(303);
    expect(String(cleared.headers['set-cookie'])).toMatch(/dt_lang=;/);
    expect((await t.storage.db.selectFrom('users').select('locale').where('id', '=', user.id).executeTakeFirstOrThrow()).locale).toBeNull();
  });

  test('when anonymous readers in two languages ask for the same page, then each gets their own, Vary names the language sources and ETags differ', async () => {
    const app = testApp(t.storage);
    const en1 = await request(app).get(PAGE).expect(200);
    const ar1 = await request(app).get(PAGE).set('Cookie', 'dt_lang=ar').expect(200);
    const en2 = await request(app).get(PAGE).expect(200);
    const fr1 = await request(app).get(PAGE).set('Accept-Language', 'fr').expect(200);
    expect([langOf(en1.text)[0], langOf(ar1.text)[0], langOf(en2.text)[0], langOf(fr1.text)[0]]).toEqual(['en', 'ar', 'en', 'fr']);
    expect(en1.headers.vary).toMatch(/Cookie/);
    expect(en1.headers.vary).toMatch(/Accept-Language/);
    expect([en1.headers['content-language'], ar1.headers['content-language'], fr1.headers['content-language']]).toEqual(['en', 'ar', 'fr']);
    expect(en1.headers.etag).toBe(en2.headers.etag);
    expect(new Set([en1.headers.etag, ar1.headers.etag, fr1.headers.etag]).size).toBe(3);
    // A revalidation in English with the Arabic page's ETag is not a 304.
    await request(app).get(PAGE).set('If-None-Match', ar1.headers.etag).expect(200);
    await request(app).get(PAGE).set('Cookie', 'dt_lang=ar').set('If-None-Match', ar1.headers.etag).expect(304);
  });

  test('when ARABIC_DIGITS=arab, then Arabic pages write Arabic-Indic digits; by default Western digits', async () => {
    const western = await request(testApp(t.storage)).get(`${PAGE}?lang=ar`).expect(200);
    expect(western.text).toContain('370,000');
    expect(western.text).not.toMatch(/[٠-٩]/);
    const indic = await request(testApp(t.storage, { ARABIC_DIGITS: 'arab' }))
      .get(`${PAGE}?lang=ar`)
      .expect(200);
    expect(indic.text).toContain('٣٧٠٬٠٠٠');
  });

  test('when the readable summary CSV and README.txt are asked for in French or Arabic, then their headers are in that language; a bad ?lang is a 400', async () => {
    const app = testApp(t.storage);
    const csv = (q: string, cookie?: string) => {
      const r = request(app).get(`${PAGE}/export/summary-readable.csv${q}`);
      return cookie ? r.set('Cookie', cookie) : r;
    };
    expect((await csv('?lang=fr').expect(200)).text.split('\r\n')[0]).toMatch(/^Localité,Catégorie,Dernier chiffre,Au,/);
    expect((await csv('', 'dt_lang=ar').expect(200)).text.split('\r\n')[0]).toMatch(/^الموقع,الفئة,أحدث رقم,/);
    expect((await csv('').expect(200)).text.split('\r\n')[0]).toMatch(/^Location,Category,Latest figure,/);
    const bad = await request(app).get(`/api/v1/situations/${SLUG}/export/summary-readable.csv?lang=de`).expect(400);
    expect(JSON.stringify(bad.body)).toContain('lang');
    const readme = await request(app).get('/api/v1/export/README.txt').set('Accept-Language', 'fr').expect(200);
    expect(readme.text).toContain('Dernier chiffre');
    expect(readme.headers.vary).toMatch(/Accept-Language/);
  });

  test('when a PNG chart is asked for in Arabic, then it differs from the English one and is cached apart', async () => {
    const app = testApp(t.storage);
    const png = async (lang: string) =>
      (await request(app).get(`${PAGE}/charts/series.png?lang=${lang}&width=600&height=400`).buffer(true).expect(200).expect('Content-Type', /png/)).body as Buffer;
    const en = await png('en');
    const ar = await png('ar');
    expect(ar.equals(en)).toBe(false);
    expect((await png('en')).equals(en)).toBe(true);
  });

  test('when a page is read in Arabic or French, then its images, downloads and sitrep text name that language; in the instance language they carry no lang', async () => {
    const app = testApp(t.storage);
    const links = (html: string) => [...html.matchAll(/(?:src|href)="([^"]*(?:\.png|\.svg|sitrep\.txt)[^"]*)"/g)].map((m) => m[1].replace(/&amp;/g, '&'));
    for (const lang of ['ar', 'fr']) {
      for (const url of [`${PAGE}?lang=${lang}`, `${PAGE}/sitrep?lang=${lang}`]) {
        const found = links((await request(app).get(url).expect(200)).text).filter((h) => !h.startsWith('/assets/'));
        expect(found.length).toBeGreaterThan(0);
        for (const h of found) expect(new URL(h, 'http://x').searchParams.get('lang')).toBe(lang);
      }
    }
    const english = links((await request(app).get(`${PAGE}/sitrep`).expect(200)).text).filter((h) => !h.startsWith('/assets/'));
    expect(english.length).toBeGreaterThan(0);
    for (const h of english) expect(h).not.toMatch(/[?&]lang=/);
  });
});

describe.each(DATABASES)('location names in Arabic and French from an imported file on %s', (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await freshDb(kind, { seed: true });
  });
  afterAll(() => t.cleanup());

  test('when an HXL file has #adm1+name+i_ar and +i_fr columns, then the new governorate keeps those names beside the default one', async () => {
    const app = testApp(t.storage);
    const editor = await makeUser(t.storage, 'editor');
    await request(app)
      .post('/api/v1/situations')
      .set(editor.auth)
      .send({ slug: 'sudan-names', title: 'Sudan', country: 'SDN', countryName: 'Sudan', onsetDate: '2023-04-15' })
      .expect(201);
    const csv = [
      'Country,Country name,State,State name,State name (ar),State name (fr),Date,IDPs,Source,URL',
      '#country+code,#country+name,#adm1+code,#adm1+name,#adm1+name+i_ar,#adm1+name+i_fr,#date+reported,#affected+idps,#meta+source,#meta+url',
      'SDN,Sudan,SD01,Khartoum,الخرطوم,Khartoum (fr),2024-05-01,1200,IOM DTM,https://dtm.iom.int/sudan',
    ].join('\r\n');
    const done = await request(app)
      .post('/api/v1/situations/sudan-names/imports')
      .query({ commit: 'true' })
      .set(editor.auth)
      .set('Content-Type', 'text/csv')
      .send(Buffer.from(csv));
    expect(done.status).toBe(201);
    expect(done.body).toMatchObject({ committed: true, newFigures: 1, errorCount: 0 });
    expect(await new LocationsService(t.storage).get('SD01')).toMatchObject({ name: 'Khartoum', nameAr: 'الخرطوم', nameFr: 'Khartoum (fr)', adminLevel: 1, parentCode: 'SDN' });
  });
});
