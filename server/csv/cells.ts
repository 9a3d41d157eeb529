/*
 * Cell-level rules shared by every CSV the project writes or reads.
 *
 * Why: a CSV opened in Excel, LibreOffice or Google Sheets runs any cell that starts with `=`, `+`, `-`, `@`,
 * tab or carriage return as a formula (CSV/formula injection, OWASP). Figures carry free text typed by users
 * and copied from news sites, so every text cell is neutralised on the way out with a leading apostrophe, and
 * the apostrophe is taken off again on the way in so the project's own exports re-import unchanged.
 */

/** A cell as a column produces it; `Date`s are accepted because database drivers return them. */
export type CellValue = string | number | Date | null | undefined;

const TRIGGER = /^'*[=+\-@\t\r]/; // apostrophes first: "'=x" must survive a round trip too
const PLAIN_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Prefixes `'` to a string a spreadsheet would treat as a formula, except plain numbers ("-12", "+3.5").
 * @example neutraliseCell('=1+1') // "'=1+1"
 * @example neutraliseCell('-12') // "-12"
 */
export function neutraliseCell(v: string): string {
  if (!TRIGGER.test(v) || PLAIN_NUMBER.test(v)) return v;
  return `'${v}`;
}

/** The inverse of `neutraliseCell`: drops the one apostrophe it added. */
export function unneutraliseCell(v: string): string {
  return v.startsWith("'") && TRIGGER.test(v) && !PLAIN_NUMBER.test(v.slice(1)) ? v.slice(1) : v;
}

/** Numbers as plain digits: no thousands separators, no locale; non-finite numbers become an empty cell. */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return '';
  return Number.isInteger(n) && Math.abs(n) < 1e21 ? n.toFixed(0) : String(n);
}

/** Dates as ISO 8601: `YYYY-MM-DD` at UTC midnight (a calendar date), else the full timestamp. */
export function formatDate(d: Date): string {
  if (Number.isNaN(d.getTime())) return '';
  const iso = d.toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
}

/** One cell as text, neutralised: what every export writes. */
export function formatCell(v: CellValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return formatNumber(v);
  if (v instanceof Date) return formatDate(v);
  return neutraliseCell(v);
}
