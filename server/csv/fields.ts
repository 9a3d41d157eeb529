/**
 * Which column holds which field, and typed access to a row's cells with error collection.
 *
 * Why: every layout needs the same three ways to find a column, in this order:
 * 1. the caller's explicit map `{ column header: field }` (CLI `--map column=field`): the user knows best;
 * 2. the HXL hashtag, when the file has a hashtag row (HXL matching, see hxl.ts);
 * 3. the header text (case-insensitive), which is how the project's own export and plain DTM/IDMC files
 *    without a hashtag row are read.
 * Cell errors name the column as the file's header shows it, so the user can find it.
 */
import { bestMatch, parseTag, type HxlTag } from './hxl';
import { unneutraliseCell } from './cells';
import type { RowError } from './candidate';
import { parseCount, parseDate, parseEnum, parsePositiveDecimal, type Parsed } from './values';
import { problem, type Problem } from '../i18n/field-errors';

export interface FieldSpec {
  field: string;
  /** HXL patterns, tried in order. */
  tags?: string[];
  /** A last HXL-based finder, for tagging slips seen in real files (tried after `tags`, before headers). */
  find?: (file: FileHeader, taken: ReadonlySet<number>) => number;
  /** Header names, case-insensitive; the field name itself is always accepted too. */
  headers?: string[];
}

/** The header row, the hashtag row (if any) and their parsed tags. */
export interface FileHeader {
  headers: string[];
  hashtags: string[] | null;
  tags: (HxlTag | undefined)[];
}

export function fileHeader(headers: string[], hashtags: string[] | null): FileHeader {
  return { headers, hashtags, tags: hashtags ? hashtags.map((h) => parseTag(h)) : [] };
}

export type Resolved = Map<string, number>; // field → column index

/**
 * Headers that name a column the layout reads and appear on more than one column ("value" twice): which one
 * holds the values is a guess, so the file is refused rather than one of them silently dropped. Files whose
 * columns are found by HXL hashtags are left alone (the tags tell the columns apart).
 */
export function duplicatedHeaders(file: FileHeader, columns: Resolved): string[] {
  if (file.hashtags) return [];
  const lower = file.headers.map((h) => h.trim().toLowerCase());
  const names = new Set<string>();
  for (const i of columns.values()) if (lower[i] && lower.indexOf(lower[i]) !== lower.lastIndexOf(lower[i])) names.add(file.headers[i].trim());
  return [...names];
}

export function resolveFields(specs: readonly FieldSpec[], file: FileHeader, map: Record<string, string> = {}): Resolved {
  const out: Resolved = new Map();
  const taken = new Set<number>();
  const take = (field: string, i: number) => {
    if (i < 0 || out.has(field) || taken.has(i)) return;
    out.set(field, i);
    taken.add(i);
  };
  const wanted = new Set(specs.map((s) => s.field));
  const mapLower = new Map(Object.entries(map).map(([k, v]) => [k.trim().toLowerCase(), v.trim()]));
  file.headers.forEach((h, i) => {
    const f = mapLower.get(h.trim().toLowerCase());
    if (f && wanted.has(f)) take(f, i);
  });
  if (file.hashtags) {
    for (const s of specs) for (const t of s.tags ?? []) take(s.field, bestMatch(t, file.tags, taken));
    for (const s of specs) if (s.find) take(s.field, s.find(file, taken));
  }
  const lower = file.headers.map((h) => h.trim().toLowerCase());
  for (const s of specs) {
    for (const h of [s.field, ...(s.headers ?? [])]) {
      const i = lower.indexOf(h.toLowerCase());
      if (i >= 0 && !taken.has(i)) take(s.field, i);
    }
  }
  return out;
}

/** A data row seen through the resolved columns. Getters return undefined for empty or missing cells and record errors. */
export class RowAccess {
  readonly errors: RowError[] = [];

  constructor(
    readonly row: number,
    private readonly cells: string[],
    private readonly columns: Resolved,
    private readonly file: FileHeader,
  ) {}

  /** The column's header as the user sees it (or the field name when the file has no such column). */
  columnName(field: string): string {
    const i = this.columns.get(field);
    if (i === undefined) return field;
    return this.file.headers[i]?.trim() || this.file.hashtags?.[i]?.trim() || `column ${i + 1}`;
  }

  has(field: string): boolean {
    return this.columns.has(field);
  }

  /** Raw text, apostrophe-neutralisation undone, trimmed; undefined when empty or absent. */
  text(field: string): string | undefined {
    const i = this.columns.get(field);
    if (i === undefined) return undefined;
    const v = unneutraliseCell(this.cells[i] ?? '').trim();
    return v === '' ? undefined : v;
  }

  error(field: string, p: Problem, value = this.text(field) ?? '', extra: Pick<RowError, 'otherCountry' | 'otherCountryName'> = {}): void {
    this.errors.push({ row: this.row, column: this.columnName(field), value, ...p, ...extra });
  }

  /** A required text: records "is required" when empty. */
  required(field: string, fallback?: string): string | undefined {
    const v = this.text(field) ?? fallback;
    if (v === undefined) this.error(field, problem(this.has(field) ? 'required' : 'required_no_column'), '');
    return v;
  }

  private parsed<T>(field: string, parse: (s: string) => Parsed<T>, required: boolean): T | undefined {
    const raw = this.text(field);
    if (raw === undefined) {
      if (required) this.required(field);
      return undefined;
    }
    const p = parse(raw);
    if (!p.ok) {
      const { ok: _ok, ...found } = p;
      this.error(field, found, raw);
      return undefined;
    }
    return p.value;
  }

  date(field: string, required = false): string | undefined {
    return this.parsed(field, parseDate, required);
  }
  count(field: string, required = false): number | undefined {
    return this.parsed(field, parseCount, required);
  }
  decimal(field: string, required = false): number | undefined {
    return this.parsed(field, parsePositiveDecimal, required);
  }
  oneOf<T extends string>(field: string, values: readonly T[], required = false): T | undefined {
    return this.parsed(field, (s) => parseEnum(s, values), required);
  }
  parse<T>(field: string, parse: (s: string) => Parsed<T>, required = false): T | undefined {
    return this.parsed(field, parse, required);
  }

  /** A row with more or fewer cells than the header does not line up with it: its cells cannot be trusted. */
  checkWidth(width: number): void {
    const n = this.cells.length;
    if (n === width) return;
    this.errors.push({
      row: this.row,
      column: '',
      value: this.cells.join(',').slice(0, 200),
      ...problem(this.cells.some((c) => /[\r\n]/.test(c)) ? 'row_width_line_break' : 'row_width', { cells: n, width }),
    });
  }
}
