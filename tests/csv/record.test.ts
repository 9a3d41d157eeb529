/**
 * The exports' CSV writer against csv-stringify: for any cells, the same bytes as csv-stringify configured as the
 * exports configured it (before the writer replaced it), and csv-parse — also through the import's own reader — gives
 * the cells back.
 */
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { csvChunks, csvField, csvRows, csvTextRow, formatCell, type CellValue, type Column } from '../../server/csv/write';
import { readRecordBatches } from '../../server/csv/records';

// The configuration the exports gave csv-stringify: CRLF record ends, fields holding CR or LF quoted, strings kept as
// they are (cells arrive already formatted and neutralised by formatCell).
const STRINGIFY = { record_delimiter: 'windows', quote_record_delimiter: true, cast: { string: (s: string) => s } } as const;
const reference = (rows: CellValue[][]) =>
  rows.length
    ? stringify(
        rows.map((r) => r.map(formatCell)),
        STRINGIFY,
      )
    : '';

// Characters that matter to CSV, to formula neutralising and to encoding, mixed with any code point (astral included)
// and lone surrogates, which JavaScript strings from a database or JSON can hold.
const special = fc.constantFrom('"', ',', '\r', '\n', '\r\n', ' ', "'", '=', '+', '-', '@', '\t', '#', '.', '1', 'e', '\uFEFF', '\u2028', '\uFF1D', '😀', '\uD800', '\uDFFF', 'é');
const text = fc.string({ unit: fc.oneof(special, fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), maxLength: 12 });
const cell: fc.Arbitrary<CellValue> = fc.oneof(
  { weight: 6, arbitrary: text },
  { weight: 1, arbitrary: fc.constantFrom(null, undefined, '') },
  { weight: 2, arbitrary: fc.double() },
  { weight: 2, arbitrary: fc.integer({ min: -1e9, max: 1e9 }) },
  { weight: 1, arbitrary: fc.date({ noInvalidDate: false }) },
);
const table = fc.integer({ min: 2, max: 6 }).chain((width) => fc.array(fc.array(cell, { minLength: width, maxLength: width }), { maxLength: 8 }));

const IMPORT_PARSE = { bom: true, record_delimiter: ['\r\n', '\n', '\r'], relax_column_count: true, relax_quotes: true };
// A lone surrogate has no UTF-8 form: encoding writes U+FFFD (csv-parse encodes a string it is given, too).
const asUtf8 = (s: string) => Buffer.from(s, 'utf8').toString('utf8');
const expected = (rows: CellValue[][]) => rows.map((r) => r.map((c) => asUtf8(formatCell(c))));
// As in every export, a header row comes first: a data cell starting with U+FEFF at byte 0 would be taken for a BOM.
const withHeader = (rows: CellValue[][]) => csvTextRow((rows[0] ?? []).map((_, i) => `h${i}`)) + csvRows(rows);

describe('CSV records', () => {
  it('when any cells are written, then the text and its UTF-8 bytes are those csv-stringify wrote', () => {
    fc.assert(
      fc.property(table, (rows) => {
        const ours = csvRows(rows);
        expect(ours).toBe(reference(rows));
        expect(Buffer.from(ours, 'utf8').equals(Buffer.from(reference(rows), 'utf8'))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('when header and HXL rows are written, then they are csv-stringify’s too, with the BOM first, and not neutralised', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(text, { minLength: 1, maxLength: 6 }), fc.boolean(), fc.boolean(), table, async (headers, hxl, bom, rows) => {
        const columns: Column<unknown>[] = headers.map((h, i) => ({ key: `k${i}`, header: h, hxl: `#${h}`, description: '', value: () => null }));
        const width = columns.length;
        const body = rows.map((r) => Array.from({ length: width }, (_, i) => r[i % r.length]));
        let ours = '';
        for await (const chunk of csvChunks(columns, { hxl, bom }, [body.slice(0, 3), [], body.slice(3)])) ours += chunk;
        const head = [headers, ...(hxl ? [headers.map((h) => `#${h}`)] : [])];
        expect(ours).toBe(stringify(head, { ...STRINGIFY, bom }) + reference(body));
        expect(csvTextRow(headers)).toBe(stringify([headers], STRINGIFY));
      }),
      { numRuns: 500 },
    );
  });

  it('when the text is read back by csv-parse, then every cell is the formatted cell', () => {
    fc.assert(
      fc.property(table, (rows) => {
        expect((parse(withHeader(rows), IMPORT_PARSE) as string[][]).slice(1)).toEqual(expected(rows));
      }),
      { numRuns: 2000 },
    );
  });

  it('when the UTF-8 bytes go through the import reader, then every cell comes back (a lone surrogate as U+FFFD, as UTF-8 writes it)', async () => {
    await fc.assert(
      fc.asyncProperty(table, async (rows) => {
        const cells: string[][] = [];
        for await (const batch of readRecordBatches(Readable.from([Buffer.from(withHeader(rows), 'utf8')])))
          for (const r of batch) {
            expect(r.parseError).toBeUndefined();
            cells.push(r.cells!);
          }
        expect(cells.slice(1)).toEqual(expected(rows));
      }),
      { numRuns: 500 },
    );
  });

  it('when a field holds a quote, a comma or a line break, then only then is it quoted', () => {
    expect(['plain', ' lead', '', 'a,b', 'say "hi"', 'cr\r', 'lf\n', '😀'].map(csvField)).toEqual(['plain', ' lead', '', '"a,b"', '"say ""hi"""', '"cr\r"', '"lf\n"', '😀']);
    expect(csvRows([['=1+1', -12, null, 'Idleb, "north"']])).toBe('\'=1+1,-12,,"Idleb, ""north"""\r\n');
  });
});
