/**
 * What a coordinator's walk through the seeded Syria case found (2026-11-28): the sources named beside each
 * reconciled date, an organisation's chart style across pages, the four-eyes rule on the figure page, a blank
 * date, the growth curve held at WFP's ceiling, and where an ISO date may break.
 */
import request from 'supertest';
import { DATABASES, freshDb, makeUser, testApp, type TestDb } from '../helpers/db';
import { buildAssetsOnce, figureForm, SLUG, signedIn, textOf, tokenFor } from './helpers';

const chartData = (html: string) => JSON.parse(/<script type="application\/json" id="chart-data">([\s\S]*?)<\/script>/.exec(html)![1]);
const reconciledRow = (html: string, date: string) => {
  const m = new RegExp(`<tr[^>]*>\\s*<t[hd][^>]*>(?:(?!</tr>)[\\s\\S])*?${date}(?:(?!</tr>)[\\s\\S])*?</tr>`).exec(html.slice(html.indexOf('id="series-table"')));
  return textOf(m![0]);
};

describe.each(DATABASES)('coordinator review fixes on %s', (kind) => {
  let t: TestDb;
  let app: ReturnType<typeof testApp>;
  let editor: Awaited<ReturnType<typeof makeUser>>;
  let admin: Awaited<ReturnType<typeof makeUser>>;

  beforeAll(async () => {
    await buildAssetsOnce();
    t = await freshDb(kind, { seed: true });
    app = testApp(t.storage);
    editor = await makeUser(t.storage, 'editor');
    admin = await makeUser(t.storage, 'admin');
  });
  afterAll(() => t.cleanup());

  test('when a date has a triangulation figure, then the sources column names it beside the recommended one', async () => {
    const html = (await request(app).get(`/situations/${SLUG}`).expect(200)).text;
    // 5 December: OCHA's 178,000 is the series; WFP's 280,000 (triangulation) is the band's highest.
    const dec5 = reconciledRow(html, '2024-12-05');
    expect(dec5).toContain('OCHA 178,000');
    expect(dec5).toContain('WFP 280,000');
    const dec6 = reconciledRow(html, '2024-12-06');
    expect(dec6).toContain('OCHA 370,000');
    expect(dec6).toContain('WFP 280,000');
  });

  test('when the same organisation appears on the country page and a governorate page, then it keeps its place in the colour order', async () => {
    const country = chartData((await request(app).get(`/situations/${SLUG}`).expect(200)).text);
    const place = chartData((await request(app).get(`/situations/${SLUG}/locations/SY-RA`).expect(200)).text);
    expect(country.organisations).toEqual(['DAANES IDP office', 'DRC', 'OCHA', 'UNHCR', 'WFP']);
    expect(place.organisations).toEqual(country.organisations);
  });

  test('when an editor opens a draft they wrote, then there is no Approve button but a sentence saying who approves it; an admin sees the button', async () => {
    const ed = await signedIn(app, editor.user.email, editor.password);
    const token = await tokenFor(ed, `/situations/${SLUG}/figures/new`);
    const created = await ed
      .post(`/situations/${SLUG}/figures`)
      .type('form')
      .send({ ...figureForm(), _csrf: token })
      .expect(303);
    const path = (created.headers.location as string).split('?')[0];
    expect(path).toMatch(/^\/figures\/\d+$/);
    const own = (await ed.get(path).expect(200)).text;
    expect(own).not.toContain(`action="${path}/approve"`);
    expect(textOf(own)).toContain('You changed what this figure says last, so another editor (or an admin) approves it.');
    const ad = await signedIn(app, admin.user.email, admin.password);
    const theirs = (await ad.get(path).expect(200)).text;
    expect(theirs).toContain(`action="${path}/approve"`);
    expect(theirs).not.toContain('approve-by-other');
  });

  test('when the end date is left blank on the form, then it says the date is required, not that its format is wrong', async () => {
    const ed = await signedIn(app, editor.user.email, editor.password);
    const token = await tokenFor(ed, `/situations/${SLUG}/figures/new`);
    const res = await ed
      .post(`/situations/${SLUG}/figures`)
      .type('form')
      .send({ ...figureForm({ periodEnd: '' }), _csrf: token })
      .expect(400);
    const summary = textOf(/<div class="error-summary"[\s\S]*?<\/div>/.exec(res.text)![0]);
    expect(summary).toMatch(/: is required/);
    expect(summary).not.toContain('YYYY-MM-DD');
    const frToken = await tokenFor(ed, `/situations/${SLUG}/figures/new?lang=fr`);
    const fr = await ed
      .post(`/situations/${SLUG}/figures?lang=fr`)
      .type('form')
      .send({ ...figureForm({ periodEnd: '2024/12/02' }), _csrf: frToken })
      .expect(400);
    // French: a space before the colon, and the date format written as the hint writes it.
    expect(textOf(/<div class="error-summary"[\s\S]*?<\/div>/.exec(fr.text)![0])).toMatch(/ : doit être une date au format AAAA-MM-JJ/);
  });

  test('when the growth curve reaches WFP’s ceiling within the horizon, then its name says it is held there', async () => {
    const html = (await request(app).get(`/situations/${SLUG}`).expect(200)).text;
    const curve = chartData(html).series.curves.find((c: { kind: string }) => c.kind === 'loglinear');
    expect(curve.points.at(-1).value).toBe(1_500_000);
    expect(curve.label).toBe('If growth continues as in the last reports (doubling every 1.9 days), up to the quoted ceiling of 1.5 million');
  });

  test('when a date is written with its ISO form, then the ISO form cannot break across lines and keeps its order in Arabic', async () => {
    const html = (await request(app).get(`/situations/${SLUG}?lang=ar`).expect(200)).text;
    expect(html).toMatch(/<span class="muted iso" dir="ltr">\(2024-12-06\)<\/span>/);
  });
});
