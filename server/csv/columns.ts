/**
 * The column model every export is built from, and the streaming writer.
 *
 * Why: one definition per column (header, HXL tag, description, value) feeds the CSV header row, the HXL row
 * and the README.txt definitions, so the three cannot drift apart. The writer is a csv-stringify Transform:
 * object rows in, CSV text out, one row at a time, so an export fed by a database iterator of a million rows
 * keeps memory flat (backpressure comes from the stream, nothing is buffered here).
 */
import { Stringifier } from 'csv-stringify';
import { formatCell, type CellValue } from './cells';

export interface Column<T> {
  key: string;
  header: string;
  hxl?: string;
  description: string;
  value: (row: T) => CellValue;
}

export interface CsvStreamOptions {
  /** Write the HXL hashtag row right under the header row. */
  hxl: boolean;
  /** Start with a UTF-8 byte order mark, which Excel on Windows needs to read UTF-8. */
  bom: boolean;
}

/**
 * RFC 4180 CSV (CRLF line ends, fields quoted only when needed, fields holding CR or LF always quoted) with
 * every cell neutralised. Write rows of T; read text. An empty export still has its header (and HXL) rows.
 */
export class CsvExportStream<T> extends Stringifier {
  private pendingHxl: string[] | null;

  constructor(private readonly columns: readonly Column<T>[], opts: CsvStreamOptions) {
    super({
      bom: opts.bom,
      header: true,
      columns: columns.map((c, i) => ({ key: String(i), header: c.header })),
      record_delimiter: 'windows',
      quote_record_delimiter: true,
      // Cells arrive already formatted and neutralised by formatCell (the one rule); keep them as they are.
      cast: { string: (s) => s },
    });
    this.pendingHxl = opts.hxl ? columns.map((c) => c.hxl ?? '') : null;
  }

  override _transform(row: T, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    let cells: string[];
    try {
      cells = this.columns.map((c) => formatCell(c.value(row)));
    } catch (err) {
      callback(err as Error);
      return;
    }
    this.withHxlRow(encoding, callback, () => super._transform(cells, encoding, callback));
  }

  override _flush(callback: (error?: Error | null) => void): void {
    this.withHxlRow('utf8', callback, () => super._flush(callback));
  }

  /** The HXL row goes out as the first record, so csv-stringify writes BOM and header before it. */
  private withHxlRow(encoding: BufferEncoding, callback: (error?: Error | null) => void, next: () => void): void {
    const hxl = this.pendingHxl;
    if (!hxl) return next();
    this.pendingHxl = null;
    super._transform(hxl, encoding, (err?: Error | null) => (err ? callback(err) : next()));
  }
}

/** A streaming CSV writer for `columns`: pipe database rows in, pipe the text to the response or a file. */
export function csvStream<T>(columns: readonly Column<T>[], opts: CsvStreamOptions): CsvExportStream<T> {
  return new CsvExportStream(columns, opts);
}
