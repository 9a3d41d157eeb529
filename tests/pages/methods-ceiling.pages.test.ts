/** The alternative methods' table on the seeded Syria page: a number above WFP's quoted ceiling is never shown without a sentence saying so. */
import request from 'supertest';
import { DATABASES, freshDb, testApp, type TestDb } from '../helpers/db';
import { buildAssetsOnce, SLUG, textOf } from './helpers';

describe.each(DATABASES)('the methods table on %s', (kind) => {
  let t: TestDb;
  let app: ReturnType<typeof testApp>;
  beforeAll(async () => {
    await buildAssetsOnce();
    t = await freshDb(kind, { seed: true });
    app = testApp(t.storage);
  });
  afterAll(() => t.cleanup());

  test('when a method reaches past the quoted ceiling at the horizon, then its row says so in words, and a row that stays below says nothing', async () => {
    const res = await request(app).get(`/situations/${SLUG}?horizon=7`).expect(200);
    const table = /<table id="methods-table">([\s\S]*?)<\/table>/.exec(res.text)![1];
    const rows = table.split('<tr>').slice(2).map(textOf);
    expect(rows.length).toBe(5);
    const ceiling = 1_500_000;
    for (const row of rows) {
      // The central and both ranges' ends, as printed (the parameters in brackets are not people).
      const shown = (row.split('(')[0].match(/\d{1,3}(,\d{3})+/g) ?? []).map((x) => Number(x.replace(/,/g, '')));
      const above = shown.some((x) => x > ceiling);
      expect({ row: row.slice(0, 40), says: /passes? WFP's quoted ceiling of 1,500,000\./.test(row) }).toEqual({ row: row.slice(0, 40), says: above });
    }
    // The average daily change's 95% range runs past it on the seeded data.
    expect(rows.find((r) => r.startsWith('Average daily change'))).toContain("Its 95% range passes WFP's quoted ceiling of 1,500,000.");
  });
});
