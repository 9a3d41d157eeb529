/** Key messages from the data through the catalogue: the sitrep page and sitrep.txt on the seeded Syria case. */
import request from 'supertest';
import { DATABASES, freshDb, testApp, type TestDb } from '../helpers/db';
import { buildAssetsOnce, SLUG, textOf } from './helpers';

describe.each(DATABASES)('sitrep on %s', (kind) => {
  let t: TestDb;
  let app: ReturnType<typeof testApp>;
  beforeAll(async () => {
    await buildAssetsOnce();
    t = await freshDb(kind, { seed: true });
    app = testApp(t.storage);
  });
  afterAll(() => t.cleanup());

  test('when sitrep.txt is asked, then it gives the key messages with their sources, rounded, and the page address', async () => {
    const res = await request(app).get(`/situations/${SLUG}/sitrep.txt`).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const lines = res.text.split('\n');
    expect(lines[0]).toBe('Syria: displacement from the November-December 2024 offensive');
    expect(lines[2]).toBe('As of December 6, 2024: more than 370,000 people newly displaced since November 27, 2024 (OCHA, December 6, 2024).');
    expect(lines[3]).toBe('Up about 356,000 between November 28, 2024 and December 6, 2024 (8 days; OCHA).');
    expect(lines[4]).toMatch(/^If the trend of the last reports continues, between 370,000 and [\d,]+ by December 13, 2024 \(80% range; not yet tested on this series: /);
    expect(res.text).toContain('WFP warns it could reach 1,500,000 (a scenario, not a projection of the reports).');
    expect(res.text).toMatch(/Source: OCHA, WFP; compiled by Displacement tracker on \w+ \d+, \d{4}\./);
    expect(res.text).toMatch(/http:\/\/127\.0\.0\.1:\d+\/situations\/syria-2024-offensive\/sitrep\n$/);
  });

  test('when the sitrep page of a location without reports is opened, then it says so in a sentence and draws no chart', async () => {
    const res = await request(app).get(`/situations/${SLUG}/locations/SY-DR/sitrep`).expect(200);
    expect(textOf(res.text)).toContain('No approved new displacement figure for Dar');
    expect(res.text).not.toContain('sitrep-chart');
    const page = await request(app).get(`/situations/${SLUG}/locations/SY-DR`).expect(200);
    expect(page.text).not.toContain('data-chart="series"');
    await request(app).get(`/situations/${SLUG}/locations/SDN/sitrep`).expect(404);
    expect((await request(app).get(`/situations/${SLUG}/sitrep?horizon=9999`).expect(400)).text).toContain('horizon');
  });

  test.each([
    ['the situation page', `/situations/${SLUG}?horizon=999`, '999', 'must be at most 365 days'],
    ['the situation page', `/situations/${SLUG}?horizon=abc`, 'abc', 'must be a number of days'],
    ['a location page', `/situations/${SLUG}/locations/SY-RA?horizon=abc`, 'abc', 'must be a number of days'],
    ['the sitrep page', `/situations/${SLUG}/sitrep?horizon=0`, '0', 'must be at least 1 day'],
    ['a location sitrep page', `/situations/${SLUG}/locations/SY-RA/sitrep?horizon=2.5`, '2.5', 'must be a whole number of days'],
  ])('when %s is asked for a horizon it cannot use (%s), then it stays the page, with the error beside the horizon field', async (_name, url, typed, message) => {
    const res = await request(app).get(url).expect(400);
    const text = textOf(res.text);
    expect(text).not.toContain('The request could not be used');
    // The error summary links to the field; the field shows what was typed and its error.
    expect(res.text).toContain('href="#field-horizon"');
    expect(text).toContain(`Projection horizon (days): ${message}`);
    expect(res.text).toMatch(new RegExp(`id="field-horizon-error"><span class="visually-hidden">Error:</span> ${message}`));
    expect(res.text).toContain(`id="field-horizon" name="horizon" type="text" value="${typed}"`);
    // The page itself, at the default horizon: the box and its 7-day projection.
    expect(res.text).toContain('class="sitrep-box"');
    expect(text).toContain('Next 7 days');
  });

  test('when a horizon is fine, then the page answers 200 without an error summary; other bad values still get the error page', async () => {
    const ok = await request(app).get(`/situations/${SLUG}?horizon=14`).expect(200);
    expect(ok.text).not.toContain('error-summary');
    expect(ok.text).toContain('id="field-horizon" name="horizon" type="text" value="14"');
    await request(app).get(`/situations/${SLUG}?horizon=abc&category=nonsense`).expect(400);
    expect((await request(app).get(`/situations/${SLUG}/sitrep.txt?horizon=abc`).expect(400)).text).toContain('horizon');
  });

  test('when the sitrep page is opened, then it has the box, the key messages, the chart image and the key figures with their URLs', async () => {
    const res = await request(app).get(`/situations/${SLUG}/sitrep`).expect(200);
    const text = textOf(res.text);
    expect(text).toContain('Key messages');
    expect(res.text).toMatch(/<img src="\/situations\/syria-2024-offensive\/charts\/series\.png\?[^"]*width=1100/);
    expect(text).toContain('OCHA, 2024-12-06: DNA India: 370,000 people displaced by escalation of hostilities in Syria, says UN');
    expect(text).toMatch(/Printed from http:\/\/127\.0\.0\.1:\d+\/situations\/syria-2024-offensive\/sitrep on/);
  });
});
