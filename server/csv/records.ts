/**
 * Bytes → numbered records, with csv-parse doing the CSV work.
 *
 * Why: the layouts need each record with the row number a spreadsheet user sees (1-based, header = 1, a record
 * with a line break inside a quoted cell still counts as one row, blank lines count), and a malformed record
 * must become a row error rather than end the import. csv-parse is run leniently where spreadsheets are
 * (quotes inside unquoted cells are text, rows may have any number of cells: the layouts report wrong counts
 * with the row's number) and records it cannot parse (a quote never closed) are skipped with `on_skip` and
 * reported with their row. Invalid UTF-8 ends the stream with NotUtf8Error (utf8.ts). A UTF-8 BOM is dropped.
 */
import { pipeline, type Readable } from 'node:stream';
import { parse, type CsvError } from 'csv-parse';
import { Utf8Guard } from './utf8';

export type RawRecord = { row: number; cells: string[]; parseError?: undefined } | { row: number; cells?: undefined; parseError: string };

function describe(err: CsvError): string {
  switch (err.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'unbalanced quotes: a cell opened with " in this row is never closed, so everything after it was read as one cell; close the quote or remove it';
    case 'CSV_INVALID_CLOSING_QUOTE':
      return `unbalanced quotes: ${err.message}`;
    default:
      return `this row cannot be read as CSV: ${err.message}`;
  }
}

/**
 * Streams the records of `readable` in batches (those csv-parse produced from one chunk of bytes), so a
 * million-row import pays the per-item cost of async iteration per chunk, not per row. `guard.bytes` tells the
 * caller, once done, how many bytes were read (0 → an empty file). Throws NotUtf8Error, or a csv-parse error it
 * could not skip.
 */
export async function* readRecordBatches(readable: Readable, guard: Utf8Guard = new Utf8Guard()): AsyncGenerator<RawRecord[]> {
  // Rows are numbered here rather than in csv-parse's on_record, which builds an info object per record (a tenth
  // of a million-row import). A skipped record's error tells how many good records came before it.
  const skipped: { before: number; parseError: string }[] = [];
  const parser = parse({
    bom: true,
    // Any of the three line endings, mixed within a file (spreadsheets edited on several systems); csv-parse alone would keep the first it sees.
    record_delimiter: ['\r\n', '\n', '\r'],
    relax_column_count: true,
    relax_quotes: true,
    skip_records_with_error: true,
    on_skip: (err) => {
      if (err) skipped.push({ before: (err as CsvError & { records?: number }).records ?? 0, parseError: describe(err) });
      return undefined;
    },
  });
  let good = 0;
  let skippedOut = 0;
  const skippedUpTo = (batch: RawRecord[], goodBefore: number) => {
    while (skippedOut < skipped.length && skipped[skippedOut]!.before < goodBefore) {
      const s = skipped[skippedOut]!;
      batch.push({ row: s.before + ++skippedOut, parseError: s.parseError });
    }
  };
  // A failing source (a read error, a dropped upload) must fail the import, never end it early as if the file were shorter.
  let failure: Error | undefined;
  pipeline(readable, guard, parser, (err) => {
    if (err) failure = err;
  });
  for await (const records of drain(parser)) {
    const batch: RawRecord[] = [];
    for (const cells of records as string[][]) {
      skippedUpTo(batch, ++good);
      batch.push({ row: good + skippedOut, cells });
    }
    yield batch;
  }
  await new Promise((r) => setImmediate(r));
  if (failure) throw failure;
  const rest: RawRecord[] = [];
  skippedUpTo(rest, Infinity);
  if (rest.length) yield rest;
}

/** Everything an object stream has buffered, each time it has something; ends when the stream ends or fails. */
async function* drain(stream: Readable): AsyncGenerator<unknown[]> {
  for (;;) {
    const batch: unknown[] = [];
    for (let x = stream.read(); x !== null; x = stream.read()) batch.push(x);
    if (batch.length) {
      yield batch;
      continue;
    }
    if (stream.readableEnded || stream.destroyed) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        for (const e of ['readable', 'end', 'error', 'close']) stream.off(e, done);
        resolve();
      };
      for (const e of ['readable', 'end', 'error', 'close']) stream.on(e, done);
    });
  }
}
