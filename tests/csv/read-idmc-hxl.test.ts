/** Reading IDMC GIDD, a generic HXL file (UNHCR Ukraine series) and a plain file through an explicit map. */
import { readFile } from './helpers';

describe('IDMC GIDD', () => {
  const FILE = 'idmc/idmc_gidd_conflict_new_and_total_displacements_2009_2024.csv';

  it('when the GIDD file is read, then each row gives a flow and a stock, and empty cells are skipped and counted', async () => {
    const { summary, figures } = await readFile(FILE);
    // awk -F, 'NR>2' … | wc -l → 961 rows; non-empty new_displacement 796, non-empty total_displacement 898.
    expect(summary).toMatchObject({ layout: 'idmc-gidd', hxl: true, rowsRead: 961, rowsOk: 961, rowsWithErrors: 0 });
    expect(figures.filter((f) => f.category === 'new_displacement')).toHaveLength(796);
    expect(figures.filter((f) => f.category === 'idps')).toHaveLength(898);
    expect(summary.figures).toBe(1694);
    expect(summary.skippedEmptyValues).toBe(961 - 796 + (961 - 898));
    expect(summary.notes).toContain('228 empty value cells skipped (an empty cell is no figure; 0 is a figure)');
  });

  it('when Sudan 2023 is read, then 6,038,666 new displacements over the year and 9,052,822 IDPs at its end', async () => {
    // SDN,Sudan,2023,6038666,6039000,9052822,9053000
    const { figures } = await readFile(FILE);
    expect(figures.find((f) => f.externalId === 'idmc:SDN:2023:new')).toEqual({
      externalId: 'idmc:SDN:2023:new',
      location: 'SDN',
      category: 'new_displacement',
      periodStart: '2023-01-01',
      periodEnd: '2023-12-31',
      value: 6038666,
      organisation: 'IDMC',
      sourceUrl: 'https://www.internal-displacement.org/database/displacement-data/',
      sourceTitle: 'IDMC Global Internal Displacement Database (GIDD)',
      publishedOn: '2023-12-31',
      quote: 'IDMC GIDD: 6,038,666 internal displacements by conflict and violence in Sudan in 2023',
    });
    expect(figures.find((f) => f.externalId === 'idmc:SDN:2023:total')).toMatchObject({
      category: 'idps',
      periodStart: null,
      periodEnd: '2023-12-31',
      value: 9052822,
      quote: 'IDMC GIDD: 9,052,822 people internally displaced by conflict and violence in Sudan at the end of 2023',
    });
  });

  it('when a value is 0, then it is a figure; when empty, then there is none (AGO 2009: new 0, total empty)', async () => {
    // AGO,Angola,2009,0,,,
    const { figures } = await readFile(FILE);
    expect(figures.find((f) => f.externalId === 'idmc:AGO:2009:new')).toMatchObject({ value: 0 });
    expect(figures.find((f) => f.externalId === 'idmc:AGO:2009:total')).toBeUndefined();
  });

  it('when IDMC uses its own code for an area without ISO3 (AB9, Abyei), then it is kept as the location code', async () => {
    // AB9,,2015,0,,82000,82000
    const { figures } = await readFile(FILE);
    expect(figures.find((f) => f.externalId === 'idmc:AB9:2015:total')).toMatchObject({ location: 'AB9', value: 82000 });
  });

  it('when read for a Syria situation with countryFilter, then only SYR rows, 2024 total 7,408,809', async () => {
    // SYR,Syrian Arab Republic,2024,768126,768000,7408809,7409000
    const { figures, summary } = await readFile(FILE, { situationCountry: 'SYR', countryFilter: true });
    expect(new Set(figures.map((f) => f.location))).toEqual(new Set(['SYR']));
    expect(summary.skippedOtherCountry + summary.rowsOk).toBe(961);
    expect(figures.find((f) => f.externalId === 'idmc:SYR:2024:total')).toMatchObject({ value: 7408809 });
  });
});

describe('generic HXL: UNHCR refugees from Ukraine (HDX series)', () => {
  const FILE = 'ukraine/unhcr-refugees-from-ukraine-series-2022-2024.csv';
  const defaults = { organisation: 'UNHCR', sourceUrl: 'https://data.unhcr.org/en/situations/ukraine', location: 'UKR', locationRole: 'origin' as const };

  it('when the series is read by its tags, then #affected+refugees gives 470 refugees figures from 85,000 on 2022-04-25', async () => {
    const { summary, figures } = await readFile(FILE, { defaults });
    expect(summary).toMatchObject({ layout: 'hxl', hxl: true, rowsRead: 470, rowsOk: 470, figures: 470, fileErrors: [] });
    expect(figures[0]).toEqual({
      externalId: 'hxl:UNHCR:refugees:UKR:2022-04-25',
      location: 'UKR',
      locationRole: 'origin',
      category: 'refugees',
      periodStart: null,
      periodEnd: '2022-04-25',
      value: 85000,
      organisation: 'UNHCR',
      sourceUrl: 'https://data.unhcr.org/en/situations/ukraine',
      sourceTitle: null,
      publishedOn: '2022-04-25',
      quote: 'UNHCR: 85,000 refugees in UKR as of 2022-04-25 (HXL file row 3, #affected+refugees)',
    });
    // last line of the file: 2024-03-12,5982920
    expect(figures[469]).toMatchObject({ periodEnd: '2024-03-12', value: 5982920 });
  });

  it('when no organisation or source URL is given for a file without #meta+source / #meta+url, then a file-level error names them', async () => {
    const { summary, items } = await readFile(FILE, { defaults: { location: 'UKR' } });
    expect(summary.fileErrors.map((e) => e.message)).toEqual([
      'organisation: the file has no #meta+source column and no default organisation was given',
      'sourceUrl: the file has no #meta+url column and no default source URL was given',
    ]);
    expect(items[0]!.errors.map((e) => [e.row, e.column])).toEqual([
      [1, 'organisation'],
      [1, 'sourceUrl'],
    ]);
  });
});

describe('explicit map: UNHCR daily refugees (no HXL row)', () => {
  it('when columns are mapped with data_date=periodEnd and individuals=value, then 95 refugee figures, first 79,209 on 2022-02-24', async () => {
    const { summary, figures } = await readFile('ukraine/unhcr-refugees-from-ukraine-daily-2022.csv', {
      map: { data_date: 'periodEnd', individuals: 'value' },
      defaults: {
        category: 'refugees',
        location: 'UKR',
        organisation: 'UNHCR',
        sourceUrl: 'https://data.unhcr.org/en/situations/ukraine',
        publishedOn: '2022-05-30',
        quote: 'Refugees fleeing Ukraine (since 24 February 2022)',
      },
    });
    expect(summary).toMatchObject({ layout: 'mapped', hxl: false, rowsRead: 95, rowsOk: 95, figures: 95 });
    expect(figures[0]).toMatchObject({ location: 'UKR', category: 'refugees', periodEnd: '2022-02-24', value: 79209, publishedOn: '2022-05-30' });
  });

  it('when the map names a field a figure does not have, or a column the file lacks, then each mistake is named', async () => {
    const typo = await readFile('ukraine/unhcr-refugees-from-ukraine-daily-2022.csv', { map: { data_date: 'periodEnd', individuals: 'valu' } });
    expect(typo.figures).toHaveLength(0);
    expect(typo.summary.fileErrors.map((e) => [e.code, e.params?.field])).toEqual([['map_field_unknown', 'valu']]);
    expect(typo.summary.fileErrors[0]!.message).toMatch(/^the map names the field valu, which a figure does not have; the fields are: .*\bvalue\b/);
    const absent = await readFile('ukraine/unhcr-refugees-from-ukraine-daily-2022.csv', { map: { data_date: 'periodEnd', individuals: 'value', Nope: 'quote' } });
    expect(absent.figures).toHaveLength(0);
    expect(absent.errors).toEqual([
      expect.objectContaining({ row: 1, column: 'Nope', code: 'map_column_missing', message: 'the map names the column Nope, which is not in the file’s header' }),
    ]);
  });

  it('when the same file is read without a map, then the layout is not recognised and the error says how to map', async () => {
    const { summary } = await readFile('ukraine/unhcr-refugees-from-ukraine-daily-2022.csv');
    expect(summary.layout).toBeNull();
    expect(summary.fileErrors[0]!.message).toMatch(/the layout is not recognised.*--map "Date=periodEnd"/);
  });
});
