/** Reading IOM DTM files from HDX (tests/fixtures/real/iom-dtm): admin 0, admin 1, admin 0–2 with reason splits. */
import { readFile, type ReadResult } from './helpers';

describe('DTM admin 0: Sudan weekly subset', () => {
  it('when the Sudan admin0 subset is read, then 45 idps figures from 334,053 on 2023-04-28 to 6,720,136 on 2024-04-17', async () => {
    const { summary, figures, errors } = await readFile('iom-dtm/subset_SDN_armed_clashes_weekly_admin0.csv');
    expect(summary).toMatchObject({ layout: 'dtm-admin0', hxl: true, rowsRead: 45, rowsOk: 45, rowsWithErrors: 0, figures: 45, fileErrors: [] });
    expect(errors).toEqual([]);
    expect(figures[0]).toEqual({
      externalId: 'dtm:467',
      location: 'SDN',
      locationRole: 'destination',
      category: 'idps',
      periodStart: null,
      periodEnd: '2023-04-28',
      value: 334053,
      organisation: 'IOM DTM',
      sourceUrl: 'https://dtm.iom.int/data-and-analysis/dtm-api',
      sourceTitle: 'IOM DTM: Armed Clashes in Sudan',
      publishedOn: '2023-04-28',
      quote: 'IOM DTM round 2 (BA): 334,053 IDPs present in Sudan as of 2023-04-28',
      notes: 'Armed Clashes in Sudan; round 2; assessment BA',
      operation: 'Armed Clashes in Sudan',
      reportingRound: 2,
      assessmentType: 'BA',
    });
    // last row of the file: 1126,Armed Clashes in Sudan,Sudan,SDN,6720136,2024-04-17T00:00:00,2024,4,46,BA
    expect(figures[44]).toMatchObject({ externalId: 'dtm:1126', periodEnd: '2024-04-17', value: 6720136, reportingRound: 46 });
  });

  it('when the admin0 file is read, then the country is introduced once as an admin-0 location before its first figure', async () => {
    const { items } = await readFile('iom-dtm/subset_SDN_armed_clashes_weekly_admin0.csv');
    expect(items[0]).toMatchObject({ row: 3, location: { code: 'SDN', name: 'Sudan', adminLevel: 0, parentCode: null, country: 'SDN' }, figure: { value: 334053 } });
    expect(items.filter((i) => i.location)).toHaveLength(1);
  });

  it('when the caller gives publishedOn and sourceUrl defaults, then they replace the reporting date and the DTM page', async () => {
    const { figures } = await readFile('iom-dtm/subset_SDN_armed_clashes_weekly_admin0.csv', {
      defaults: { publishedOn: '2024-08-01', sourceUrl: 'https://data.humdata.org/dataset/global-iom-dtm-from-api' },
    });
    expect(figures[0]).toMatchObject({ publishedOn: '2024-08-01', sourceUrl: 'https://data.humdata.org/dataset/global-iom-dtm-from-api', periodEnd: '2023-04-28' });
  });
});

describe('DTM admin 1: Sudan states', () => {
  it('when the Sudan admin1 subset is read, then one figure per row over 18 states, each state with parent SDN', async () => {
    const { summary, figures, items } = await readFile('iom-dtm/subset_SDN_armed_clashes_weekly_admin1_states.csv');
    expect(summary).toMatchObject({ layout: 'dtm-admin1', rowsRead: 800, rowsOk: 800, figures: 800, locations: 19 });
    expect(new Set(figures.map((f) => f.location)).size).toBe(18);
    const states = items.flatMap((i) => (i.location && i.location.adminLevel === 1 ? [i.location] : []));
    expect(states).toHaveLength(18);
    expect(states.every((s) => s.parentCode === 'SDN' && s.country === 'SDN')).toBe(true);
    // 6476,Armed Clashes in Sudan,Sudan,SDN,Khartoum,SD01,13545,2023-04-28T00:00:00,2023,4,2,BA
    expect(figures.find((f) => f.externalId === 'dtm:6476')).toMatchObject({
      location: 'SD01',
      periodEnd: '2023-04-28',
      value: 13545,
      quote: 'IOM DTM round 2 (BA): 13,545 IDPs present in Khartoum, Sudan as of 2023-04-28',
    });
    expect(states.find((s) => s.code === 'SD01')).toEqual({ code: 'SD01', name: 'Khartoum', adminLevel: 1, parentCode: 'SDN', country: 'SDN' });
  });
});

describe('DTM admin 0: Iraq', () => {
  it('when the Iraq subset is read, then 80 rounds peaking at 3,417,768 on 2016-03-01 (round 42)', async () => {
    const { summary, figures } = await readFile('iom-dtm/subset_IRQ_conflict_admin0.csv');
    expect(summary).toMatchObject({ layout: 'dtm-admin0', figures: 80, rowsWithErrors: 0 });
    const peak = figures.reduce((a, b) => (b.value! > a.value! ? b : a));
    // row in the file: 46,Iraq conflict,Iraq,IRQ,3417768,2016-03-01T00:00:00,2016,3,42,BA
    expect(peak).toMatchObject({ value: 3417768, periodEnd: '2016-03-01', externalId: 'dtm:46' });
    expect(peak.quote).toBe('IOM DTM round 42 (BA): 3,417,768 IDPs present in Iraq as of 2016-03-01');
  });
});

describe('situation country', () => {
  it('when the global admin0 file is read for a Sudan situation, then other countries are row errors naming both countries', async () => {
    const { summary, errors, figures } = await readFile('iom-dtm/global-iom-dtm-from-api-admin0.csv', { situationCountry: 'SDN' });
    expect(figures.every((f) => f.location === 'SDN')).toBe(true);
    expect(summary.rowsWithErrors).toBe(summary.rowsRead - figures.length);
    // first data row: 1080,Haiti Earthquake,Haiti,HTI,1068882,2010-11-30T00:00:00,…
    expect(errors[0]).toEqual({
      row: 3,
      column: 'admin0Pcode',
      value: 'HTI',
      message: "country HTI does not match the situation's country SDN",
      code: 'country_mismatch',
      params: { country: 'HTI', situationCountry: 'SDN' },
      otherCountry: 'HTI',
      otherCountryName: 'Haiti',
    });
  });

  it('when countryFilter is on, then other countries are skipped and counted, not errors', async () => {
    const all = await readFile('iom-dtm/global-iom-dtm-from-api-admin0.csv');
    const sdn = await readFile('iom-dtm/global-iom-dtm-from-api-admin0.csv', { situationCountry: 'SDN', countryFilter: true });
    const expected = all.figures.filter((f) => f.location === 'SDN').length;
    expect(sdn.summary).toMatchObject({ rowsWithErrors: 0, figures: expected, skippedOtherCountry: all.summary.rowsRead - expected });
    expect(sdn.summary.rowsRead).toBe(sdn.summary.rowsOk + sdn.summary.rowsWithErrors + sdn.summary.skippedOtherCountry);
    expect(sdn.summary.notes).toContain(`${all.summary.rowsRead - expected} rows of other countries than SDN skipped`);
  });
});

describe('DTM admin 0–2: Afghanistan, Haiti, Chad', () => {
  const FILE = 'iom-dtm/global-iom-dtm-from-api-admin-0-to-2_AFG_HTI_TCD.csv';
  let result: ReadResult;
  beforeAll(async () => {
    result = await readFile(FILE);
  });

  it('when the file is read, then rows split by reason and origin are summed per operation, place, date, round and assessment', async () => {
    const { summary, figures, items } = result;
    expect(summary).toMatchObject({ layout: 'dtm-admin-0-to-2', rowsRead: 13367, rowsOk: 13367, rowsWithErrors: 0, fileErrors: [] });
    // Counts computed independently in Python: csv.DictReader, group by (operation, p-code of the row's level,
    // reportingDate, roundNumber, assessmentType) → 6,854 groups: 103 admin 0, 598 admin 1, 6,153 admin 2.
    expect(summary.figures).toBe(6854);
    expect(summary.locations).toBe(3 + 45 + 543);
    const level = new Map(items.flatMap((i) => (i.location ? [[i.location.code, i.location.adminLevel] as const] : [])));
    const byLevel = [0, 1, 2].map((l) => figures.filter((f) => level.get(f.location) === l).length);
    expect(byLevel).toEqual([103, 598, 6153]);
  });

  it('when Haiti admin0 on 2024-12-31 is split over 10 rows, then the figure is their sum, 1,041,229', async () => {
    // awk -F, '$2=="Countrywide monitoring" && $9=="0" && $11=="2024-12-31T00:00:00" {s+=$10; n++} END {print s, n}' \
    //   tests/fixtures/real/iom-dtm/global-iom-dtm-from-api-admin-0-to-2_AFG_HTI_TCD.csv   → 1041229 10  (the file has no quoted cells)
    const { figures } = result;
    const hti = figures.find((f) => f.externalId === 'dtm:countrywide-monitoring:HTI:2024-12-31:r9:BA');
    expect(hti).toMatchObject({ location: 'HTI', category: 'idps', periodEnd: '2024-12-31', value: 1041229, organisation: 'IOM DTM' });
    expect(hti!.quote).toBe('IOM DTM round 9 (BA): 1,041,229 IDPs present in Haiti as of 2024-12-31 (sum of 10 rows by displacement reason and origin)');
    expect(hti!.notes).toContain('Sum of 10 DTM rows split by displacement reason (Conflict 1,011,517; Insecurity 25,946; Natural disaster 3,766)');
  });

  it('when Afghanistan admin0 on 2017-12-31 is split over 37 rows, then the figure is 1,728,157', async () => {
    // awk -F, '$4=="AFG" && $9=="0" && $11=="2017-12-31T00:00:00" {s+=$10; n++} END {print s, n}' …  → 1728157 37
    const { figures } = result;
    expect(figures.find((f) => f.location === 'AFG' && f.periodEnd === '2017-12-31')).toMatchObject({ value: 1728157 });
  });

  it('when Chad reports one round as both BA and SA assessments, then they stay two figures, not a doubled sum', async () => {
    // ,Lake Chad Basin Crisis,Chad,TCD,…,0,147032,2017-09-30T00:00:00,…,1,Conflict,…,BA,Active  and the same with SA
    const { figures } = result;
    const tcd = figures.filter((f) => f.location === 'TCD' && f.periodEnd === '2017-09-30');
    expect(tcd.map((f) => [f.externalId, f.value])).toEqual([
      ['dtm:lake-chad-basin-crisis:TCD:2017-09-30:r1:BA', 147032],
      ['dtm:lake-chad-basin-crisis:TCD:2017-09-30:r1:SA', 147032],
    ]);
  });

  it('when an admin2 place is introduced, then its parents come first: country, then admin1', async () => {
    const { items } = result;
    const locs = items.flatMap((i) => (i.location ? [i.location] : []));
    const seen = new Set<string>();
    for (const l of locs) {
      if (l.parentCode) expect(seen.has(l.parentCode)).toBe(true);
      seen.add(l.code);
    }
    const a2 = locs.find((l) => l.adminLevel === 2)!;
    expect(locs.find((l) => l.code === a2.parentCode)).toMatchObject({ adminLevel: 1, country: a2.country });
  });
});
