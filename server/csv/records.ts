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
import { pipeline, Readable } from 'node:stream';
import { problem, type Problem } from '../i18n/field-errors';
import { parse, type CsvError } from 'csv-parse';
import { parser as jsonParser } from 'stream-json';
import { pick } from 'stream-json/filters/Pick';
import { streamValues } from 'stream-json/streamers/StreamValues';
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
export async function* readRecordBatches(readable: Readable, guard: Utf8Guard = new Utf8Guard(), info: { format?: 'csv' | 'json' } = {}): AsyncGenerator<RawRecord[]> {
  const { first, source } = await peek(readable);
  info.format = first === '{' || first === '[' ? 'json' : 'csv';
  if (info.format === 'json') yield* jsonRecordBatches(source, guard);
  else yield* csvRecordBatches(source, guard);
}

/**
 * The first character of the text that is not white space or a BOM ('' when none), and the stream to read from:
 * the same one with the chunks read put back, or (once it has ended, when nothing can be put back) those chunks.
 */
async function peek(readable: Readable): Promise<{ first: string; source: Readable }> {
  const chunks: (Buffer | string)[] = [];
  let found = '';
  for (;;) {
    const chunk = readable.read() as Buffer | string | null;
    if (chunk === null) {
      if (readable.readableEnded || readable.destroyed || readable.errored) break;
      await new Promise<void>((resolve) => {
        const done = () => {
          for (const e of ['readable', 'end', 'error', 'close']) readable.off(e, done);
          resolve();
        };
        for (const e of ['readable', 'end', 'error', 'close']) readable.on(e, done);
      });
      continue;
    }
    chunks.push(chunk);
    // latin1 keeps one character per byte: enough to see the first ASCII character after a UTF-8 BOM.
    const text = chunks.map((c) => (typeof c === 'string' ? c : c.toString('latin1'))).join('');
    const m = /[^\s\uFEFF\xEF\xBB\xBF]/.exec(text);
    if (m) {
      found = m[0];
      break;
    }
  }
  if (readable.readableEnded) return { first: found, source: Readable.from(chunks) };
  if (!readable.errored) for (let i = chunks.length - 1; i >= 0; i--) readable.unshift(chunks[i]);
  return { first: found, source: readable };
}

/** A saved JSON answer that says it failed, or holds no records. */
export class JsonAnswerError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.message);
  }
}

/**
 * A saved DTM API answer (`{"isSuccess": true, "result": [{…}, …]}`, or a bare array of records) as records: the
 * keys of the first record are the header (row 1), record k of `result` is row k + 1, each value a cell. The
 * records are parsed one at a time by stream-json, so a large answer never sits in memory whole. A record with a
 * field the first one lacks cannot line up with the header: its row reports it rather than losing the field.
 */
async function* jsonRecordBatches(readable: Readable, guard: Utf8Guard): AsyncGenerator<RawRecord[]> {
  let failure: Error | undefined;
  const values = streamValues();
  pipeline(
    readable,
    guard,
    jsonParser(),
    pick({
      filter: (stack: readonly (string | number | null)[]) =>
        (stack.length === 1 && (stack[0] === 'isSuccess' || stack[0] === 'errorMessages' || typeof stack[0] === 'number')) ||
        (stack.length === 2 && stack[0] === 'result' && typeof stack[1] === 'number'),
    }),
    values,
    (err) => {
      if (err) failure = err;
    },
  );
  let header: string[] | null = null;
  let known = new Set<string>();
  let row = 1;
  let isSuccess: boolean | undefined;
  const messages: string[] = [];
  for await (const batch of drain(values)) {
    const out: RawRecord[] = [];
    for (const { value } of batch as { value: unknown }[]) {
      if (typeof value === 'boolean') isSuccess = value;
      else if (Array.isArray(value)) messages.push(...value.map((m) => String(m)));
      else if (value !== null && typeof value === 'object') {
        const rec = value as Record<string, unknown>;
        if (!header) {
          header = Object.keys(rec);
          known = new Set(header);
          out.push({ row: row++, cells: header });
        }
        const extra = Object.keys(rec).filter((k) => !known.has(k) && rec[k] != null);
        if (extra.length)
          out.push({ row: row++, parseError: `this record has ${extra.map((k) => `"${k}"`).join(', ')}, which the first record lacks: every record needs the same fields` });
        else out.push({ row: row++, cells: header.map((k) => cell(rec[k])) });
      } else if (value !== null) out.push({ row: row++, parseError: `this record is ${JSON.stringify(value).slice(0, 80)}, not an object with fields` });
    }
    if (out.length) yield out;
  }
  await new Promise((r) => setImmediate(r));
  if (failure) throw failure.name === 'NotUtf8Error' ? failure : new JsonAnswerError(problem('json_unreadable', { detail: failure.message }));
  if (isSuccess === false) throw new JsonAnswerError(problem('json_failed', { detail: messages.length ? `: ${messages.join('; ')}` : '' }));
  if (!header) throw new JsonAnswerError(problem('json_no_records', { example: '{"isSuccess": true, "result": [{…}, …]}' }));
}

/** A JSON value as a CSV cell would hold it. */
function cell(v: unknown): string {
  if (v == null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

async function* csvRecordBatches(readable: Readable, guard: Utf8Guard): AsyncGenerator<RawRecord[]> {
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
