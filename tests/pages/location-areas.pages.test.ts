/**
 * Areas such as "North-east Syria (Al-Hasakah, Ar-Raqqa, Deir ez-Zor)" overlap the governorates beside them: on the
 * seeded Syria page the chart, its PNG subtitle and the table put them after the administrative places and say they
 * are not to be added (the seed has 100,000 arrivals in Ar-Raqqa and 70,000 in north-east Syria, which contains it).
 */
import request from 'supertest';
import { DATABASES, freshDb, testApp, type TestDb } from '../helpers/db';
import { buildAssetsOnce, SLUG } from './helpers';

const chartData = (html: string) => JSON.parse(/<script type="application\/json" id="chart-data">([\s\S]*?)<\/script>/.exec(html)![1]);
const tableRows = (html: string) => {
  const body = /<table id="locations-table">[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/.exec(html)![1];
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) =>
    m[1]
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim(),
  );
};

describe.each(DATABASES)('areas among the locations on %s', (kind) => {
  let t: TestDb;
  let app: ReturnType<typeof testApp>;

  beforeAll(async () => {
    await buildAssetsOnce();
    t = await freshDb(kind, { seed: true });
    app = testApp(t.storage);
  });
  afterAll(() => t.cleanup());

  test('when a coordinator reads the latest figures by location, then the area comes after the governorates, is marked, and the caption says not to add it', async () => {
    const html = (await request(app).get(`/situations/${SLUG}`).expect(200)).text;
    expect(tableRows(html)).toEqual([
      'Ar-Raqqa (SY-RA) – 100,000 on 2024-12-03 –',
      'Rural Damascus (Rif Dimashq) (SY-RD) – 7,000 on 2024-12-04 –',
      'North-east Syria (Al-Hasakah, Ar-Raqqa, Deir ez-Zor) (SY-NES) area – 70,000 on 2024-12-05 –',
    ]);
    expect(html).toContain('Places marked “area” overlap the administrative places listed above them');
    const data = chartData(html);
    expect(data.locations.map((l: { name: string; destination: number }) => [l.name, l.destination])).toEqual([
      ['Ar-Raqqa', 100000],
      ['Rural Damascus (Rif Dimashq)', 7000],
      ['North-east Syria (Al-Hasakah, Ar-Raqqa, Deir ez-Zor) (area)', 70000],
    ]);
    // The PNG's subtitle: what the chart shows, then the warning on its own line.
    expect(data.subtitles.locations).toEqual([
      'New displacement: the latest report for each place in Syrian Arab Republic, dated December 3, 2024 to December 5, 2024.',
      'Places marked “area” overlap the administrative places above them: do not add their figures together.',
    ]);
  });

  test('when the page is read in French, then the area is marked in French', async () => {
    const html = (await request(app).get(`/situations/${SLUG}?lang=fr`).expect(200)).text;
    expect(tableRows(html).at(-1)).toMatch(/\(SY-NES\) zone /);
    expect(chartData(html).locations.at(-1).name).toMatch(/ \(zone\)$/);
    expect(html).toContain('Les lieux marqués « zone » recouvrent');
  });
});
