/** Round trip: the figures export, written with or without HXL, re-reads to the same candidates. */
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { csvStream, figureColumns, type FigureExportRow } from '../../server/csv/write';
import type { FigureCandidate } from '../../server/csv/candidate';
import { readAll, sampleFigure } from './helpers';

async function exportText(rows: FigureExportRow[], hxl: boolean): Promise<string> {
  const chunks: Buffer[] = [];
  const sink = new Writable({ write: (c, _e, cb) => (chunks.push(Buffer.from(c)), cb()) });
  await pipeline(csvStream(figureColumns(), { hxl, bom: true }, rows), sink);
  return Buffer.concat(chunks).toString('utf8');
}

/** What the import must give back for an exported figure: the create-figure fields, audit fields dropped. */
const candidateOf = (f: FigureExportRow): FigureCandidate => ({
  externalId: f.externalId ?? undefined,
  location: f.location,
  locationRole: f.locationRole,
  category: f.category,
  periodStart: f.periodStart,
  periodEnd: f.periodEnd,
  value: f.value,
  valueLow: f.valueLow,
  valueHigh: f.valueHigh,
  quantifier: f.quantifier,
  unit: f.unit,
  reportedValue: f.reportedValue,
  householdSize: f.householdSize,
  organisation: f.organisation,
  sourceUrl: f.sourceUrl,
  sourceTitle: f.sourceTitle,
  publishedOn: f.publishedOn,
  quote: f.quote,
  role: f.role,
  status: f.status,
  notes: f.notes,
});

const rows: FigureExportRow[] = [
  sampleFigure(),
  sampleFigure({
    id: 8,
    location: 'SY07',
    locationName: 'Homs',
    category: 'idps',
    periodStart: null,
    periodEnd: '2024-12-06',
    value: 900000,
    valueLow: 800000,
    valueHigh: 1000000,
    quantifier: 'more_than',
    organisation: 'OCHA',
    sourceTitle: null,
    quote: '=HYPERLINK("http://evil.example","800,000 to 1 million")',
    notes: '-x @SUM(1) +44 20 "quoted", with comma\nand a new line',
    role: 'triangulation',
    status: 'draft',
    externalId: 'dtm:1126',
  }),
  sampleFigure({ id: 9, unit: 'households', reportedValue: 30000, householdSize: 3.4, value: 102000, quote: "'=already quoted", notes: null }),
];

describe('figures export round trip', () => {
  it('when written with hxl=1 and read back, then the candidates equal the exported figures', async () => {
    const { summary, figures, errors } = await readAll(await exportText(rows, true));
    expect(errors).toEqual([]);
    expect(summary).toMatchObject({ layout: 'figures-export', hxl: true, headerRow: 1, rowsRead: 3, rowsOk: 3 });
    expect(figures).toEqual(rows.map(candidateOf));
  });

  it('when the headers are renamed but the HXL row is kept, then the file is still read by its tags', async () => {
    const text = await exportText(rows, true);
    const lines = text.split('\r\n');
    lines[0] =
      '\uFEFF' +
      lines[0]!
        .replace(/^\uFEFF/, '')
        .split(',')
        .map((_, i) => `Spalte ${i + 1}`)
        .join(',');
    const { summary, figures } = await readAll(lines.join('\r\n'));
    expect(summary.layout).toBe('figures-export');
    expect(figures).toEqual(rows.map(candidateOf));
  });

  it('when the columns are shuffled and written without HXL, then the file is read by its headers', async () => {
    const cols = figureColumns().reverse();
    const chunks: Buffer[] = [];
    await pipeline(csvStream(cols, { hxl: false, bom: false }, rows), new Writable({ write: (c, _e, cb) => (chunks.push(Buffer.from(c)), cb()) }));
    const { summary, figures } = await readAll(Buffer.concat(chunks));
    expect(summary).toMatchObject({ layout: 'figures-export', hxl: false });
    expect(figures).toEqual(rows.map(candidateOf));
  });

  it('when the export is re-read for a situation in another country, then ISO3 locations of other countries are errors', async () => {
    const { errors } = await readAll(await exportText([sampleFigure({ location: 'LBN' })], true), { situationCountry: 'SYR' });
    expect(errors).toEqual([
      {
        row: 3,
        column: 'location',
        value: 'LBN',
        message: "country LBN does not match the situation's country SYR",
        code: 'country_mismatch',
        params: { country: 'LBN', situationCountry: 'SYR' },
        otherCountry: 'LBN',
      },
    ]);
  });
});
