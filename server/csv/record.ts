/**
 * RFC 4180 records: the one place the project's exports quote CSV fields.
 *
 * Why not csv-stringify here: for every cell it allocates a cast context, tuples and a list of separators to search,
 * which cost more than the whole `sqlite3 -csv` export of a million rows. The rule itself is three lines; a property
 * test (tests/csv/record.test.ts) holds these functions to the same bytes as csv-stringify configured as the exports
 * used it (CRLF record ends, a field quoted only when it holds `"`, `,`, CR or LF, `"` doubled inside quotes).
 */
import { formatCell, type CellValue } from './cells';

const NEEDS_QUOTES = /[",\r\n]/;
const QUOTE = /"/g;

/** One field as written: quoted when it holds a quote, a comma or a line break, else as it is. */
export function csvField(s: string): string {
  return NEEDS_QUOTES.test(s) ? `"${s.replace(QUOTE, '""')}"` : s;
}

/** A record of text taken as it is (header and HXL rows: not neutralised), CRLF-terminated. */
export function csvTextRow(cells: readonly string[]): string {
  let line = '';
  for (let i = 0; i < cells.length; i++) line += (i ? ',' : '') + csvField(cells[i]);
  return `${line}\r\n`;
}

/** Data records: every cell formatted and neutralised by `formatCell` (the one cell rule), then quoted; CRLF after each. */
export function csvRows(rows: readonly (readonly CellValue[])[]): string {
  let out = '';
  for (const row of rows) {
    for (let i = 0; i < row.length; i++) out += (i ? ',' : '') + csvField(formatCell(row[i]));
    out += '\r\n';
  }
  return out;
}
