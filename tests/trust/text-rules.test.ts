import request from 'supertest';
import { DATABASES, freshDb, makeUser, testApp, type TestDb } from '../helpers/db';
import { signedIn, tokenFor, figureForm, SLUG } from '../pages/helpers';
import { textProblem } from '../../server/validation';

const valid = (over: Record<string, unknown> = {}) => ({
  location: 'SY-HM',
  category: 'new_displacement',
  periodEnd: '2024-12-06',
  value: 50000,
  organisation: 'OCHA',
  sourceUrl: 'https://example.org/text-rules',
  publishedOn: '2024-12-06',
  quote: 'About 50,000 people have fled Hama.',
  ...over,
});
const BAD = [
  ['BEL', 'Hama\u0007'],
  ['NUL', 'Ha\u0000ma'],
  ['a C1 control', 'Hama\u0085'],
  ['U+202E (right-to-left override)', 'Hama\u202Etxt.exe'],
  ['U+2066 (isolate)', '\u2066Hama'],
] as const;

describe('the one set of text rules', () => {
  test('when names carry controls, bidi overrides or too many characters, then the rule says which; multi-line text may hold line breaks', () => {
    for (const [, s] of BAD) expect(textProblem(s, 200)?.code).toMatch(/^(control_chars_or_breaks|bidi_chars)$/);
    expect(textProblem('x'.repeat(20_000), 200)).toEqual({ message: 'must be at most 200 characters', code: 'too_long', params: { max: 200 } });
    expect(textProblem('line one\nline two', 200)?.message).toMatch(/line breaks/);
    expect(textProblem('line one\nline two\ttab', 5000, { multiline: true })).toBeNull();
    expect(textProblem('Ḥamāh حماة', 200)).toBeNull();
  });
});

describe.each(DATABASES)('stored junk on %s', (kind) => {
  let t: TestDb;
  let app: ReturnType<typeof testApp>;
  let editor: Awaited<ReturnType<typeof makeUser>>;
  beforeAll(async () => {
    t = await freshDb(kind, { seed: true });
    app = testApp(t.storage);
    editor = await makeUser(t.storage, 'editor');
  });
  afterAll(() => t.cleanup());

  test.each(BAD)('when the API gets a source title or quote with %s, then 400 naming the field', async (_what, s) => {
    for (const field of ['sourceTitle', 'quote', 'organisation'] as const) {
      const res = await request(app)
        .post(`/api/v1/situations/${SLUG}/figures`)
        .set(editor.auth)
        .send(valid({ [field]: s }))
        .expect(400);
      expect(res.body.error.fields.map((f: { path: string }) => f.path)).toContain(field);
    }
  });

  test.each([
    [{ periodEnd: '0000-01-01' }, 'periodEnd', /before 1900-01-01/],
    [{ publishedOn: '1899-12-31' }, 'publishedOn', /before 1900-01-01/],
    [{ periodEnd: '2999-01-01' }, 'periodEnd', /after today/],
    [{ periodEnd: '1950-01-01', publishedOn: '1950-01-02' }, 'periodEnd', /before the situation's onset/],
  ])('when the API gets %j, then 400 naming %s', async (over, field, message) => {
    const res = await request(app).post(`/api/v1/situations/${SLUG}/figures`).set(editor.auth).send(valid(over)).expect(400);
    expect(res.body.error.fields).toEqual(expect.arrayContaining([expect.objectContaining({ path: field, message: expect.stringMatching(message), code: expect.any(String) })]));
  });

  test('when an HXL import names new places with BEL, NUL, U+202E or 20,000 characters, then each row is refused by row and column, and nothing is stored', async () => {
    const names = ['Bad\u0007Bell', 'Nul\u0000Name', 'Evil\u202Etxt.exe', 'L'.repeat(20_000)];
    const csv =
      'Country,Country name,Location,Name,Date,IDPs,Source,URL\n#country+code,#country+name,#adm1+code,#adm1+name,#date+reported,#affected+idps,#meta+source,#meta+url\n' +
      names.map((n, i) => `SYR,Syria,SY0${i}01,"${n}",2024-12-06,${100 + i},OCHA,https://example.org/hxl-junk/${i}`).join('\n') +
      '\n';
    const res = await request(app)
      .post(`/api/v1/situations/${SLUG}/imports`)
      .query({ commit: 'true', quote: 'Row stated.', publishedOn: '2024-12-06' })
      .set(editor.auth)
      .set('Content-Type', 'text/csv')
      .send(Buffer.from(csv));
    expect(res.status).toBe(400);
    const problems = res.body.error.fields.filter((f: { path: string }) => /location name/.test(f.path));
    expect(problems).toHaveLength(4);
    const locations = await request(app).get('/api/v1/locations?country=SYR').expect(200);
    expect(locations.body.data.some((l: { code: string }) => /^SY0\d01$/.test(l.code))).toBe(false);
  });

  test('when the figure form gets a source title with U+202E, then 400 naming it and nothing stored', async () => {
    const agent = await signedIn(app, editor.user.email, editor.password);
    const token = await tokenFor(agent, `/situations/${SLUG}/figures/new`);
    const res = await agent
      .post(`/situations/${SLUG}/figures`)
      .type('form')
      .send({ _csrf: token, ...figureForm({ sourceTitle: 'Flash \u202Eupdate' }) });
    expect(res.status).toBe(400);
    expect(res.text).toContain('id="field-sourceTitle-error"');
  });
});
