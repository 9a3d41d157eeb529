/**
 * Reading CSV: `readFigures` streams an uploaded or local file into candidate figures and locations.
 *
 * Why: imports of DTM, IDMC, HDX and the project's own files must stream (the caller stores rows as they come)
 * and must report every problem with its row rather than stop at the first. Steps:
 * 1. bytes are checked for UTF-8 (utf8.ts) and parsed by csv-parse (records.ts), BOM dropped;
 * 2. the first 25 rows are searched for an HXL hashtag row (hxl.ts); the row above it is the header row,
 *    else the first non-blank row is;
 * 3. layouts are tried in a fixed order, most specific first: HDX HAPI, IDMC GIDD, DTM admin 0–2 (and DTM API v3), DTM admin 0,
 *    DTM admin 1, the figures export, generic HXL, and finally any file with a date and a number under field
 *    names, as given or renamed with `map`;
 * 4. each data row becomes items (`ReadItem`): location candidates first, then the figure, or the row's
 *    errors; blank rows are ignored; the last event is the summary (`ReadSummary`).
 *    rowsRead = rowsOk + rowsWithErrors + skippedOtherCountry.
 * File-level problems (not UTF-8, unrecognised layout, missing column) end up in `summary.fileErrors`; a
 * non-UTF-8 byte may be found after rows were yielded, so a caller must not commit when fileErrors is non-empty.
 */
import type { Readable } from 'node:stream';
import type { LayoutName, ReadEvent, ReadItem, ReadOptions, ReadSummary, RowError } from './candidate';
import { duplicatedHeaders, fileHeader, resolveFields, RowAccess, type FileHeader, type Resolved } from './fields';
import { HXL_SEARCH_ROWS, isHashtagRow } from './hxl';
import { JsonAnswerError, readRecordBatches, type RawRecord } from './records';
import { NotUtf8Error, Utf8Guard } from './utf8';
import { problem, type Problem } from '../i18n/field-errors';
import { LocationTracker, type Layout, type LayoutContext } from './layouts/common';
import { dtmAdmin0, dtmAdmin1 } from './layouts/dtm';
import { dtmAdmin0to2 } from './layouts/dtm-admin-0-to-2';
import { FIGURE_SPECS, figuresExport, mappedFigures } from './layouts/figures-export';
import { hxlGeneric } from './layouts/hxl-generic';
import { hapiAffectedPeople } from './layouts/hapi';
import { idmcGidd } from './layouts/idmc';

/** Detection order: a file matching several layouts gets the first (e.g. DTM files also satisfy generic HXL). */
export const LAYOUTS: readonly Layout[] = [hapiAffectedPeople, idmcGidd, dtmAdmin0to2, dtmAdmin0, dtmAdmin1, figuresExport, hxlGeneric, mappedFigures];

const isBlank = (cells: string[]) => cells.every((c) => c.trim() === '');

const MAPPABLE = new Set(FIGURE_SPECS.map((s) => s.field));

/** Each map entry whose field is not a figure field, or whose column is not in the header. */
function mapMistakes(file: FileHeader, map: Record<string, string> | undefined): (Problem & { column: string })[] {
  const out: (Problem & { column: string })[] = [];
  const headers = new Set(file.headers.map((h) => h.trim().toLowerCase()));
  for (const [column, field] of Object.entries(map ?? {})) {
    if (!MAPPABLE.has(field.trim())) out.push({ column, ...problem('map_field_unknown', { field, fields: [...MAPPABLE].join(', ') }) });
    else if (!headers.has(column.trim().toLowerCase())) out.push({ column, ...problem('map_column_missing', { column }) });
  }
  return out;
}

/** Picks the layout for a header; undefined when none fits. */
export function detectLayout(file: FileHeader, map?: Record<string, string>): { layout: Layout; columns: Resolved } | undefined {
  // The mapped layout is tried last, with or without a map: a file whose headers already are field names
  // (periodEnd, value) needs no map, only defaults for what it lacks.
  for (const layout of LAYOUTS) {
    const columns = resolveFields(layout.specs, file, map);
    if (layout.detect(columns, file)) return { layout, columns };
  }
  return undefined;
}

/**
 * Streams candidates from a CSV. Yields `ReadItem`s, then one `ReadSummary` last. Never throws for a bad file.
 * @example for await (const e of readFigures(fs.createReadStream(path), { situationCountry: 'SDN', countryFilter: true })) …
 */
export async function* readFigures(readable: Readable, options: ReadOptions = {}): AsyncGenerator<ReadEvent> {
  for await (const batch of readFigureBatches(readable, options)) yield* batch;
}

/** readFigures in batches of events (one per chunk of the file): what a million-row import iterates. */
export async function* readFigureBatches(readable: Readable, options: ReadOptions = {}): AsyncGenerator<ReadEvent[]> {
  const summary: ReadSummary = {
    type: 'summary',
    layout: null,
    hxl: false,
    headerRow: null,
    rowsRead: 0,
    rowsOk: 0,
    rowsWithErrors: 0,
    figures: 0,
    locations: 0,
    skippedOtherCountry: 0,
    skippedEmptyValues: 0,
    fileErrors: [],
    notes: [],
  };
  const guard = new Utf8Guard();
  const fileError = (row: number, p: Problem, column = ''): ReadItem => {
    summary.fileErrors.push(p);
    return { type: 'row', row, errors: [{ row, column, value: '', ...p }] };
  };
  const count = (out: ReadEvent[], items: ReadItem[]) => {
    for (const i of items) {
      if (i.figure) summary.figures++;
      if (i.location) summary.locations++;
      out.push(i);
    }
  };

  async function* body(): AsyncGenerator<ReadEvent[]> {
    const format: { format?: 'csv' | 'json' } = {};
    const it = readRecordBatches(readable, guard, format)[Symbol.asyncIterator]();
    const head: RawRecord[] = [];
    while (head.length < HXL_SEARCH_ROWS) {
      const next = await it.next();
      if (next.done) break;
      // One by one: a chunk can hold 100,000+ records, more arguments than a call may take.
      for (const r of next.value) head.push(r);
    }
    const rest = head.splice(HXL_SEARCH_ROWS);

    // Header and hashtag rows.
    const tagIndex = head.findIndex((r) => r.cells && isHashtagRow(r.cells));
    let headerIndex = tagIndex > 0 ? tagIndex - 1 : tagIndex === 0 ? 0 : head.findIndex((r) => !r.cells || !isBlank(r.cells));
    if (tagIndex > 0 && head[headerIndex]?.cells && isBlank(head[headerIndex]!.cells!)) headerIndex = tagIndex; // no header above the tags
    if (headerIndex < 0) {
      yield [fileError(1, problem(guard.bytes === 0 ? 'file_empty' : 'file_blank'))];
      return;
    }
    const headerRec = head[headerIndex]!;
    if (!headerRec.cells) {
      yield [fileError(headerRec.row, problem('header_unreadable', { detail: headerRec.parseError ?? '' }))];
      return;
    }
    const hashtags = tagIndex >= 0 ? head[tagIndex]!.cells! : null;
    const headers = headerIndex === tagIndex ? hashtags!.map((t) => t.trim()) : headerRec.cells;
    const file = fileHeader(headers, hashtags);
    summary.hxl = !!hashtags;
    summary.headerRow = headerRec.row;
    const width = Math.max(headers.length, hashtags?.length ?? 0);
    const firstData = Math.max(headerIndex, tagIndex) + 1;

    // A map names columns of this file and fields of a figure: a typo in either is said by name, not read as
    // "layout not recognised" or silently ignored.
    const mapProblems = mapMistakes(file, options.map);
    if (mapProblems.length) {
      yield mapProblems.map(({ column, ...p }) => fileError(headerRec.row, p, column));
      return;
    }

    // Layout.
    const found = detectLayout(file, options.map);
    if (!found) {
      yield [fileError(headerRec.row, problem('layout_unknown'))];
      return;
    }
    summary.layout = found.layout.name as LayoutName;
    if (format.format === 'json') summary.notes.push('read as a JSON answer of the DTM API: row 1 is the field names, row N is record N − 1 of "result"');
    const problems = [
      ...duplicatedHeaders(file, found.columns).map((column) => ({ column, ...problem('column_duplicate', { column }) })),
      ...(found.layout.check?.(found.columns, options) ?? []),
    ];
    if (problems.length) {
      const errors: RowError[] = problems.map(({ column, ...p }) => ({ row: headerRec.row, column, value: '', ...p }));
      summary.fileErrors.push(...problems.map(({ column, ...p }) => ({ ...p, message: `${column}: ${p.message}` })));
      yield [{ type: 'row', row: headerRec.row, errors }];
      return;
    }
    const ctx: LayoutContext = {
      file,
      columns: found.columns,
      options,
      notes: summary.notes,
      locations: new LocationTracker(),
      counters: { skippedOtherCountry: 0, skippedEmptyValues: 0 },
    };
    const reader = found.layout.create(ctx);

    // Rows, a batch of records at a time.
    const rows = (records: RawRecord[]): ReadEvent[] => {
      const out: ReadEvent[] = [];
      for (const rec of records) {
        if (rec.cells && isBlank(rec.cells)) continue;
        summary.rowsRead++;
        if (!rec.cells) {
          summary.rowsWithErrors++;
          out.push({ type: 'row', row: rec.row, errors: [{ row: rec.row, column: '', value: '', message: rec.parseError }] });
          continue;
        }
        const r = new RowAccess(rec.row, rec.cells, found.columns, file);
        r.checkWidth(width);
        const items = r.errors.length ? [] : reader.row(r);
        if (items === 'skipped') continue; // counted by the layout in skippedOtherCountry
        if (r.errors.length) {
          summary.rowsWithErrors++;
          out.push({ type: 'row', row: rec.row, errors: r.errors });
          continue;
        }
        summary.rowsOk++;
        count(out, items);
      }
      return out;
    };
    yield rows([...head.slice(firstData), ...rest]);
    for (let next = await it.next(); !next.done; next = await it.next()) yield rows(next.value);
    const last: ReadEvent[] = [];
    count(last, reader.end?.() ?? []);
    summary.skippedOtherCountry = ctx.counters.skippedOtherCountry;
    summary.skippedEmptyValues = ctx.counters.skippedEmptyValues;
    if (summary.rowsRead === 0) last.push(fileError(headerRec.row, problem('header_no_data')));
    yield last;
    if (summary.skippedOtherCountry) summary.notes.push(`${summary.skippedOtherCountry} rows of other countries than ${options.situationCountry} skipped`);
    if (summary.skippedEmptyValues) summary.notes.push(`${summary.skippedEmptyValues} empty value cells skipped (an empty cell is no figure; 0 is a figure)`);
  }

  try {
    yield* body();
  } catch (err) {
    if (err instanceof NotUtf8Error || err instanceof JsonAnswerError) summary.fileErrors.push(err.problem);
    else summary.fileErrors.push(problem('csv_unreadable', { detail: (err as Error).message }));
  }
  yield [summary];
}
