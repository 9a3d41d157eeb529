/**
 * The column model every export is built from, and the streaming writer.
 *
 * Why: one definition per column (header, HXL tag, description, value) feeds the CSV header row, the HXL row
 * and the README.txt definitions, so the three cannot drift apart. The writer turns batches of rows into CSV text
 * (server/csv/record.ts), one batch at a time, so an export fed by a database iterator of a million rows keeps memory
 * flat (backpressure comes from the stream: the next batch is read when the reader wants more).
 */
import { Readable } from 'node:stream';
import { type CellValue } from './cells';
import { csvRows, csvTextRow } from './record';

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
 * CSV text for rows given as cells in `columns` order, a batch at a time: the header row (and HXL row), then one
 * string per batch. Batching keeps the per-row cost of streams out of million-row
 * exports; memory holds one batch. An empty export still has its header (and HXL) rows.
 */
export async function* csvChunks<T>(
  columns: readonly Column<T>[],
  opts: CsvStreamOptions,
  batches: AsyncIterable<readonly CellValue[][]> | Iterable<readonly CellValue[][]>,
): AsyncGenerator<string> {
  let head = (opts.bom ? '\uFEFF' : '') + csvTextRow(columns.map((c) => c.header));
  if (opts.hxl) head += csvTextRow(columns.map((c) => c.hxl ?? ''));
  yield head;
  for await (const rows of batches) if (rows.length) yield csvRows(rows);
}

/** A CSV download of object rows: each column's `value` gives its cell. Pipe it to the response or a file. */
export function csvStream<T>(columns: readonly Column<T>[], opts: CsvStreamOptions, rows: AsyncIterable<T> | Iterable<T>): Readable {
  async function* batches() {
    const batch: CellValue[][] = [];
    for await (const row of rows) {
      batch.push(columns.map((c) => c.value(row)));
      if (batch.length >= 500) yield batch.splice(0);
    }
    yield batch;
  }
  return Readable.from(csvChunks(columns, opts, batches()));
}
