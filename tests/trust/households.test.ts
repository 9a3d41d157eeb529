import request from 'supertest';
import { DATABASES, freshDb, makeUser, testApp, type TestDb } from '../helpers/db';

const SLUG = 'syria-2024-offensive';
const households = (over: Record<string, unknown>) => ({
  location: 'SY-HM',
  category: 'new_displacement',
  periodEnd: '2024-12-06',
  unit: 'households',
  organisation: 'OCHA',
  sourceUrl: 'https://example.org/households',
  publishedOn: '2024-12-06',
  quote: 'Households fled.',
  ...over,
});

describe.each(DATABASES)('households stay within the people limits on %s', (kind) => {
  let t: TestDb;
  let app: ReturnType<typeof testApp>;
  let editor: Awaited<ReturnType<typeof makeUser>>;
  beforeAll(async () => {
    t = await freshDb(kind, { seed: true });
    app = testApp(t.storage);
    editor = await makeUser(t.storage, 'editor');
  });
  afterAll(() => t.cleanup());

  test.each([
    [{ reportedValue: 1_000_000_000, householdSize: 50 }, 'householdSize', /at most 30/],
    [{ reportedValue: 100_000_000, householdSize: 30 }, 'reportedValue', /3,000,000,000 people, more than 1,000,000,000/],
    [{ reportedValue: 1000, householdSize: 1e-300 }, 'householdSize', /at least 1/],
    [{ reportedValue: 1000, householdSize: 0 }, 'householdSize', /at least 1/],
  ])('when %j is sent, then 400 naming %s and nothing is stored', async (over, field, message) => {
    const before = await request(app).get(`/api/v1/situations/${SLUG}/figures?status=all&location=SY-HM`).set(editor.auth).expect(200);
    const res = await request(app).post(`/api/v1/situations/${SLUG}/figures`).set(editor.auth).send(households(over)).expect(400);
    expect(res.body.error.fields).toMatchObject([{ path: field, message: expect.stringMatching(message), code: expect.any(String) }]);
    const after = await request(app).get(`/api/v1/situations/${SLUG}/figures?status=all&location=SY-HM`).set(editor.auth).expect(200);
    expect(after.body.data).toHaveLength(before.body.data.length);
  });

  test('when a household figure is within the limits, then people = households × size is stored', async () => {
    const res = await request(app)
      .post(`/api/v1/situations/${SLUG}/figures`)
      .set(editor.auth)
      .send(households({ reportedValue: 2000, householdSize: 5.5 }))
      .expect(201);
    expect(res.body).toMatchObject({ value: 11000, reportedValue: 2000, householdSize: 5.5 });
  });

  test('when a CSV row has a household size of 50, then the import reports it by row and column', async () => {
    const csv =
      'location,category,periodEnd,unit,reportedValue,householdSize,organisation,sourceUrl,publishedOn,quote\n' +
      'SY-HM,new_displacement,2024-12-06,households,1000,50,OCHA,https://example.org/hh-csv,2024-12-06,"q"\n';
    const res = await request(app).post(`/api/v1/situations/${SLUG}/imports`).set(editor.auth).set('Content-Type', 'text/csv').send(Buffer.from(csv)).expect(200);
    expect(res.body.errors).toEqual([expect.objectContaining({ row: 2, column: 'householdSize', message: expect.stringMatching(/at most 30/) })]);
  });
});
