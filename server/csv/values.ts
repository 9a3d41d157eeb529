/**
 * Cell parsers for imports: dates, whole numbers, decimals, enums.
 *
 * Why: a bad cell must come back as a message the person who made the file can act on ("2023-02-30 is not a
 * real date", "write 1234 without thousands separators"), not as NaN stored in the database. Decisions:
 * - dates: `YYYY-MM-DD`, or a timestamp whose date part is taken (DTM writes `2023-04-28T00:00:00`);
 *   impossible dates (2023-02-30) are rejected;
 * - people counts: plain non-negative whole numbers; "1,234" is rejected with a hint to write 1234, because
 *   "1,234" means 1.234 in much of the world and guessing would corrupt figures silently; "12.0" is 12;
 * - enums: exactly the values of figures/figure.ts (case-sensitive, as the API takes them).
 */
import { problem, type FieldErrorCode, type FieldErrorParams, type Problem } from '../i18n/field-errors';

/** A failed cell carries its problem as a code (translated on the import page) with the English message. */
export type Parsed<T> = { ok: true; value: T } | ({ ok: false } & Problem);

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
export const fail = <T>(code: FieldErrorCode, params?: FieldErrorParams): Parsed<T> => ({ ok: false, ...problem(code, params) });

const DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** A calendar date; returns `YYYY-MM-DD`. */
export function parseDate(s: string): Parsed<string> {
  const m = DATE.exec(s.trim());
  if (!m) return fail('date_format');
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  if (t.getUTCFullYear() !== y || t.getUTCMonth() !== mo - 1 || t.getUTCDate() !== d) return fail('date_not_real', { date: `${m[1]}-${m[2]}-${m[3]}` });
  return ok(`${m[1]}-${m[2]}-${m[3]}`);
}

/** A number of people (or households): a non-negative whole number without separators. */
export function parseCount(s: string): Parsed<number> {
  const t = s.trim();
  if (/^\d+(\.0+)?$/.test(t)) {
    const n = Number(t);
    return Number.isSafeInteger(n) ? ok(n) : fail('too_large');
  }
  if (/^-\s*\d/.test(t)) return fail('negative');
  if (/^\d{1,3}([,  .'’]\d{3})+$/.test(t)) return fail('thousands_separators', { digits: t.replace(/\D/g, '') });
  if (/^\d+[.,]\d+$/.test(t)) return fail('not_whole');
  return fail('whole_number_example');
}

/** A positive decimal such as a household size (5.8). */
export function parsePositiveDecimal(s: string): Parsed<number> {
  const t = s.trim();
  if (!/^\d+(\.\d+)?$/.test(t)) return /^-/.test(t) ? fail('greater_than_zero') : fail('decimal_format');
  const n = Number(t);
  return n > 0 ? ok(n) : fail('greater_than_zero');
}

/** One of the allowed values, exactly. */
export function parseEnum<T extends string>(s: string, values: readonly T[]): Parsed<T> {
  const t = s.trim();
  return (values as readonly string[]).includes(t) ? ok(t as T) : fail('one_of', { values: values.join(', ') });
}

/** An ISO 3166 alpha-3 country code. */
export function parseIso3(s: string): Parsed<string> {
  const t = s.trim();
  return /^[A-Z]{3}$/.test(t) ? ok(t) : fail('iso3', { example: 'SDN' });
}

/** A location code as the API accepts it (p-code, ISO 3166-2, ISO3). */
export function parseLocationCode(s: string): Parsed<string> {
  const t = s.trim();
  return /^[A-Za-z0-9][A-Za-z0-9_.-]{1,39}$/.test(t) ? ok(t) : fail('location_code_csv');
}
