import type { Readable } from 'node:stream';
import { readFigureBatches } from '../csv/read';
import type { LocationCandidate, ReadOptions, ReadSummary, RowError } from '../csv/candidate';
import { hash } from 'node:crypto';
import { figureCreateSchema, peopleValue, type FigureCreate } from '../figures/figure.schema';
import { MAX_NAME, shownSafely, textProblem, toFieldErrors } from '../validation';

/** A row of the file, read and validated: a valid figure, or its problems with row, column and value. */
export interface CheckedRow {
  type: 'row';
  row: number;
  errors: RowError[];
  location?: LocationCandidate;
  figure?: FigureCreate;
  /** With a figure: what duplicates are recognised by (worked out here, off the thread that writes). */
  keys?: FigureKeys;
}

/** A figure already in the situation, or earlier in the same file: the same external id, or the same source, place, category, date and value. */
export interface FigureKeys {
  natural: string;
  external?: string;
}

/**
 * Keys are kept as digests: a cell's text is a slice of the chunk it was parsed from, and a key built from it
 * would keep that whole chunk alive, so a million remembered keys held the whole file (≈1 KB per row).
 */
export const digest = (key: string) => hash('sha256', key, 'base64');

export const naturalKey = (f: { sourceUrl: string; location: string; category: string; periodEnd: string; value: number }) =>
  digest(`${f.sourceUrl}\u0001${f.location}\u0001${f.category}\u0001${f.periodEnd}\u0001${f.value}`);

function keysOf(f: FigureCreate): FigureKeys {
  const value = peopleValue(f) ?? 0;
  return {
    natural: naturalKey({ sourceUrl: f.sourceUrl, location: f.location, category: f.category, periodEnd: f.periodEnd, value }),
    external: f.externalId ? digest(f.externalId) : undefined,
  };
}
export type CheckedEvent = CheckedRow | ReadSummary;

export interface CheckOptions {
  read: ReadOptions;
  status: 'draft' | 'approved';
}

const cellText = (v: unknown) => shownSafely(v == null ? '' : typeof v === 'string' ? v : JSON.stringify(v));

/**
 * The file's rows as the import checks them, a batch per chunk of the file: read by the layouts (server/csv), then
 * each figure through the same zod schema as the API. Everything here depends only on the file, so it can run in
 * a worker thread beside the checks against the database and the writes (checked-rows.worker.ts).
 */
export async function* checkedBatches(readable: Readable, opts: CheckOptions): AsyncGenerator<CheckedEvent[]> {
  for await (const batch of readFigureBatches(readable, opts.read)) {
    const out: CheckedEvent[] = [];
    for (const ev of batch) {
      // A new place's name follows the same text rules as every name typed in the API or a form.
      const nameProblem = ev.type === 'row' && ev.location ? textProblem(ev.location.name ?? '', MAX_NAME) : null;
      if (ev.type === 'row' && ev.location && nameProblem) {
        out.push({ type: 'row', row: ev.row, errors: [...ev.errors, { row: ev.row, column: 'location name', value: shownSafely(ev.location.name), ...nameProblem }] });
        continue;
      }
      if (ev.type === 'summary' || !ev.figure || ev.errors.length) {
        out.push(ev.type === 'summary' ? ev : { type: 'row', row: ev.row, errors: ev.errors, location: ev.location });
        continue;
      }
      const parsed = figureCreateSchema.safeParse({ ...ev.figure, status: opts.status });
      if (parsed.success) out.push({ type: 'row', row: ev.row, errors: [], location: ev.location, figure: parsed.data, keys: keysOf(parsed.data) });
      else {
        const errors = toFieldErrors(parsed.error).map((fe) => ({
          row: ev.row,
          column: fe.path,
          value: cellText((ev.figure as unknown as Record<string, unknown>)[fe.path]),
          message: fe.message,
          code: fe.code,
          params: fe.params,
        }));
        out.push({ type: 'row', row: ev.row, errors, location: ev.location });
      }
    }
    yield out;
  }
}
