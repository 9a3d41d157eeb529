/** Writing: neutralised cells, the streaming writer (header, HXL row, BOM, CRLF), README.txt, flat memory. */
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse/sync';
import { sampleFigure } from './helpers';
import {
  csvStream,
  definitionsText,
  EXPORTS,
  figureColumns,
  formatCell,
  neutraliseCell,
  projectionColumns,
  seriesColumns,
  summaryColumns,
  type Column,
} from '../../server/csv/write';

async function write<T>(columns: Column<T>[], rows: T[], opts = { hxl: false, bom: false }): Promise<string> {
  const chunks: Buffer[] = [];
  const sink = new Writable({ write: (c, _e, cb) => (chunks.push(Buffer.from(c)), cb()) });
  await pipeline(csvStream(columns, opts, rows), sink);
  return Buffer.concat(chunks).toString('utf8');
}

describe('neutraliseCell', () => {
  it.each(['=1+1', '@SUM(A1:A2)', '+44 20 7946 0000', '-x', '\tfoo', '\rbar', "'=already"])('when a cell is %j, then it gets a leading apostrophe', (v) => {
    expect(neutraliseCell(v)).toBe(`'${v}`);
  });
  it.each(['-12', '+3.5', '3.5', '-0.25', '1e5', 'Aleppo', '', '#affected+idps'])('when a cell is %j, then it is left as it is', (v) => {
    expect(neutraliseCell(v)).toBe(v);
  });
  it('when numbers and dates are formatted, then no thousands separators and ISO dates', () => {
    expect(formatCell(1234567)).toBe('1234567');
    expect(formatCell(-12)).toBe('-12');
    expect(formatCell(843680.9)).toBe('843680.9');
    expect(formatCell(new Date(Date.UTC(2024, 11, 6)))).toBe('2024-12-06');
    expect(formatCell(new Date(Date.UTC(2024, 11, 6, 10, 30)))).toBe('2024-12-06T10:30:00.000Z');
    expect(formatCell(null)).toBe('');
    expect(formatCell(Number.NaN)).toBe('');
  });
});

describe('csvStream', () => {
  const cols: Column<{ a: string; n: number | null }>[] = [
    { key: 'a', header: 'a', hxl: '#meta+a', description: 'text', value: (r) => r.a },
    { key: 'n', header: 'n', hxl: '#affected+idps', description: 'number', value: (r) => r.n },
  ];

  it('when rows are written, then RFC 4180 CRLF text with the header first and every cell neutralised', async () => {
    const text = await write(cols, [
      { a: '=1+1', n: -12 },
      { a: 'Idleb, "north"', n: 1234567 },
      { a: 'two\nlines', n: null },
    ]);
    expect(text).toBe('a,n\r\n\'=1+1,-12\r\n"Idleb, ""north""",1234567\r\n"two\nlines",\r\n');
  });

  it('when hxl is on, then the hashtag row sits right under the header', async () => {
    const text = await write(cols, [{ a: 'x', n: 1 }], { hxl: true, bom: false });
    expect(text.split('\r\n').slice(0, 3)).toEqual(['a,n', '#meta+a,#affected+idps', 'x,1']);
  });

  it('when there are no rows, then the header (and HXL row) are still written', async () => {
    expect(await write(cols, [], { hxl: true, bom: true })).toBe('\uFEFFa,n\r\n#meta+a,#affected+idps\r\n');
    expect(await write(cols, [], { hxl: false, bom: false })).toBe('a,n\r\n');
  });

  it('when bom is on, then the file starts with EF BB BF, and without it, it does not', async () => {
    const withBom = Buffer.from(await write(cols, [{ a: 'x', n: 1 }], { hxl: false, bom: true }));
    expect([...withBom.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect((await write(cols, [{ a: 'x', n: 1 }])).startsWith('a,n')).toBe(true);
  });

  it('when the figures export is written, then headers are exactly the Figure field names and every column has a tag', async () => {
    const text = await write(figureColumns(), [sampleFigure()], { hxl: true, bom: false });
    const [header, tags] = parse(text) as string[][];
    expect(header).toEqual([
      'id',
      'situation',
      'location',
      'locationName',
      'locationRole',
      'category',
      'periodStart',
      'periodEnd',
      'value',
      'valueLow',
      'valueHigh',
      'quantifier',
      'unit',
      'reportedValue',
      'householdSize',
      'organisation',
      'sourceUrl',
      'sourceTitle',
      'publishedOn',
      'quote',
      'role',
      'status',
      'notes',
      'createdBy',
      'createdAt',
      'updatedBy',
      'updatedAt',
      'version',
      'externalId',
      'operation',
      'reportingRound',
      'assessmentType',
    ]);
    expect(tags!.slice(-3)).toEqual(['#operation+name', '#round+code', '#assessment+type']);
    expect(tags!.every((t) => t.startsWith('#'))).toBe(true);
    expect(new Set(tags).size).toBe(tags!.length);
    expect(tags).toEqual(expect.arrayContaining(['#meta+id', '#date+start', '#date+end', '#meta+source', '#meta+url']));
  });

  it('when a single-category export is asked for, then population columns carry the HXL tags of docs/csv.md', () => {
    const tags = (cols: { hxl?: string }[]) => cols.map((c) => c.hxl);
    expect(tags(seriesColumns({ category: 'idps', adminLevel: 1 }))).toEqual(expect.arrayContaining(['#affected+idps', '#adm1+code', '#date+reported']));
    expect(tags(seriesColumns({ category: 'new_displacement' }))).toContain('#affected+displaced');
    expect(tags(summaryColumns({ category: 'idps', adminLevel: 0 }))).toEqual(
      expect.arrayContaining(['#country+code', '#country+name', '#affected+idps+projected+min', '#affected+idps+projected', '#affected+idps+projected+max']),
    );
    expect(tags(projectionColumns({ category: 'idps' }))).toEqual(
      expect.arrayContaining(['#affected+idps+projected', '#affected+idps+projected+min', '#affected+idps+projected+max']),
    );
  });
});

describe('definitionsText', () => {
  it('when README.txt is generated, then it names every column of every export, the neutralisation rule and the HXL option', () => {
    const text = definitionsText();
    for (const ex of Object.values(EXPORTS)) {
      expect(text).toContain(ex.file);
      for (const c of ex.columns({})) {
        expect(text).toContain(`  ${c.header}   [${c.hxl}]`);
      }
    }
    expect(text).toMatch(/starts with =, \+, -, @, a tab or a carriage return/);
    expect(text).toContain('hxl=1');
    expect(text).toContain('bom=1');
  });
});

describe('memory', () => {
  it('when 200,000 figure rows stream through the writer, then heap growth stays small (nothing is buffered)', async () => {
    const N = 200_000;
    let bytes = 0;
    let peak = 0;
    const before = process.memoryUsage().heapUsed;
    function* rows() {
      for (let i = 0; i < N; i++) {
        if (i % 10_000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed - before);
        yield sampleFigure({ id: i, quote: `row ${i}: some 280,000 people have been displaced from Aleppo and Hama since 27 November` });
      }
    }
    const sink = new Writable({ highWaterMark: 16 * 1024, write: (c: Buffer, _e, cb) => ((bytes += c.length), setImmediate(cb)) });
    await pipeline(csvStream(figureColumns(), { hxl: true, bom: true }, rows()), sink);
    // ~72 MB of CSV went through; holding it (as JS strings, two bytes a character) would add well over 100 MB of heap.
    expect(bytes).toBeGreaterThan(N * 300);
    expect(peak).toBeLessThan(64 * 1024 * 1024);
  });
});
