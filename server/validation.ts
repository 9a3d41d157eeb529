import { z } from 'zod';
import countries from 'i18n-iso-countries';
import { formatISO } from 'date-fns';
import { HttpError, fieldError, validationFailed, type FieldError } from './errors';
import { coded, decode, problem, type FieldErrorCode, type FieldErrorParams, type Problem } from './i18n/field-errors';

/* Shared zod building blocks: every input schema is made of these, and the OpenAPI document is generated from them. */

/**
 * The one set of text rules for every name and free-text field, on every input path (API, forms, CSV imports):
 * - no control characters: C0 (U+0000–U+001F), DEL and C1 (U+0080–U+009F); a multi-line field (quotes, notes,
 *   descriptions) may hold line breaks and tabs;
 * - no bidirectional overrides, embeddings or isolates (U+202A–U+202E, U+2066–U+2069): they make a name read
 *   differently from what is stored (an "exe.txt" that shows as "txt.exe");
 * - at most `max` characters after trimming.
 */
const CONTROL_SINGLE = /[\u0000-\u001F\u007F-\u009F]/;
const CONTROL_MULTI = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
const BIDI = /[\u202A-\u202E\u2066-\u2069]/;

export interface TextRules {
  /** Line breaks and tabs allowed (quotes, notes, descriptions); names and titles are single-line. */
  multiline?: boolean;
}

/** The text rules as a plain check, for code that does not go through zod (e.g. CSV location names); null when fine. */
export function textRuleBroken(s: string, max: number, rules: TextRules = {}): { code: FieldErrorCode; params?: FieldErrorParams } | null {
  if (s.length > max) return { code: 'too_long', params: { max } };
  if ((rules.multiline ? CONTROL_MULTI : CONTROL_SINGLE).test(s)) return { code: rules.multiline ? 'control_chars' : 'control_chars_or_breaks' };
  if (BIDI.test(s)) return { code: 'bidi_chars' };
  return null;
}

/** The same with its English message, for a row problem or a field error. */
export function textProblem(s: string, max: number, rules: TextRules = {}): Problem | null {
  const broken = textRuleBroken(s, max, rules);
  return broken ? problem(broken.code, broken.params) : null;
}

/** Text as it may be shown back in an error: control and bidi characters written as \uXXXX, at most 200 characters. */
export const shownSafely = (s: string) =>
  s.slice(0, 200).replace(/[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}`);

export const text = (max: number, rules: TextRules = {}) =>
  z
    .string({ error: (i) => (i.input === undefined ? coded('required') : coded('not_text')) })
    .trim()
    .max(max, coded('too_long', { max }))
    .superRefine((s, ctx) => {
      const broken = textRuleBroken(s, max, rules);
      if (broken) ctx.addIssue({ code: 'custom', message: coded(broken.code, broken.params) });
    });

export const requiredText = (max: number, rules: TextRules = {}) => text(max, rules).refine((s) => s.length > 0, coded('required'));

export const optionalText = (max: number, rules: TextRules = {}) => z.preprocess((v) => (v === '' ? null : v), text(max, rules).nullable().optional());

/** A place name (locations from imports, the country of a new situation). */
export const MAX_NAME = 200;

// Today's date, worked out at most once a second: every date cell of a million-row import is checked against it.
let today = { until: 0, iso: '' };
export const todayIso = () => {
  const now = Date.now();
  if (now >= today.until) today = { until: now + 1000, iso: formatISO(now, { representation: 'date' }) };
  return today.iso;
};

/** True for a `YYYY-MM-DD` that exists on the calendar (checked by hand: this runs for every row of a million-row import). */
export function isCalendarDate(s: string): boolean {
  const y = +s.slice(0, 4),
    m = +s.slice(5, 7),
    d = +s.slice(8, 10);
  if (!(m >= 1 && m <= 12 && d >= 1)) return false;
  const days = m === 2 ? (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31;
  return d <= days;
}

/** The earliest date any field accepts: displacement records start well after it, and a year 0000 is a typo. */
export const MIN_DATE = '1900-01-01';

/** A calendar date `YYYY-MM-DD` that exists, not before 1900-01-01; `notFuture` rejects dates after today (UTC). */
export const isoDate = (opts: { notFuture?: boolean } = {}) =>
  z
    .string()
    // An empty field (a form's blank date) is missing, not a malformed date.
    .min(1, { error: coded('required'), abort: true })
    .regex(/^\d{4}-\d{2}-\d{2}$/, { error: coded('date_format'), abort: true })
    .refine(isCalendarDate, coded('not_calendar_date'))
    .refine((s) => s >= MIN_DATE, coded('date_before_min', { min: MIN_DATE }))
    .refine((s) => !opts.notFuture || s <= todayIso(), coded('date_in_future'))
    .meta({ format: 'date' });

/** The version a change is based on: missing is "required", a string such as "2" is "must be a number" (not "required"). */
export const versionField = () =>
  z
    .number({ error: (i) => (i.input === undefined ? coded('version_required') : coded('not_number')) })
    .int(coded('not_whole'))
    .min(1, coded('at_least', { min: 1 }));

export const MAX_PEOPLE = 1_000_000_000;
export const people = () =>
  z
    .number({ error: (i) => (i.input === undefined ? coded('required') : coded('not_number')) })
    .int(coded('not_whole'))
    .min(0, coded('negative'))
    .max(MAX_PEOPLE, coded('at_most', { max: MAX_PEOPLE }));

export const httpUrl = () =>
  requiredText(2000).refine((s) => {
    try {
      const u = new URL(s);
      return (u.protocol === 'http:' || u.protocol === 'https:') && !!u.hostname;
    } catch {
      return false;
    }
  }, coded('http_url'));

export const slug = () =>
  z
    .string()
    .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, coded('slug'))
    .max(80, coded('too_long', { max: 80 }));

// Kosovo's user-assigned code, which OCHA and HDX use, is not in ISO 3166-1 itself.
const EXTRA_COUNTRY_CODES = new Set(['XKX']);

/** An ISO 3166-1 alpha-3 country that exists (a situation's country cannot be changed later, so "SYS" is refused). */
export const iso3 = () =>
  z
    .string()
    .regex(/^[A-Z]{3}$/, { error: coded('iso3', { example: 'SYR' }), abort: true })
    .refine((c) => countries.alpha3ToAlpha2(c) !== undefined || EXTRA_COUNTRY_CODES.has(c), { error: (i) => coded('iso3_unknown', { code: String(i.input) }) });

/** One of `values`; says "is required" when missing and lists the values otherwise. */
export const enumOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: (i) => (i.input === undefined || i.input === '' ? coded('required') : oneOf(values)) });

/** The message of an enum that lists its values. */
export const oneOf = (values: readonly string[]) => coded('one_of', { values: values.join(', ') });

export const locationCode = () => z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{1,39}$/, coded('location_code'));

/** zod issues → the API's field list. */
export function toFieldErrors(error: z.ZodError): FieldError[] {
  const seen = new Set<string>();
  // One message per field: the first check that failed says the most (a malformed date is not also "not a real date").
  return error.issues
    .filter((i) => {
      const k = i.path.join('.');
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .map((i) => {
      const path = i.path.length ? i.path.join('.') : '(body)';
      if (i.code === 'unrecognized_keys') return fieldError(path, 'unknown_fields', { fields: i.keys.join(', ') });
      const c = decode(i.message) ?? zodDefault(i);
      return fieldError(path, c.code, c.params);
    });
}

/** A check written without a code (zod's own message): the nearest code, so every field error has one. */
function zodDefault(i: z.core.$ZodIssue): { code: FieldErrorCode; params?: FieldErrorParams } {
  if (i.code === 'too_big') return i.origin === 'string' ? { code: 'too_long', params: { max: Number(i.maximum) } } : { code: 'at_most', params: { max: Number(i.maximum) } };
  if (i.code === 'too_small') return i.origin === 'string' ? { code: 'too_short', params: { min: Number(i.minimum) } } : { code: 'at_least', params: { min: Number(i.minimum) } };
  if (i.code === 'invalid_type') return /received undefined/.test(i.message) ? { code: 'required' } : { code: 'wrong_type', params: { expected: i.expected } };
  if (i.code === 'invalid_value') return { code: 'one_of', params: { values: i.values.map(String).join(', ') } };
  return { code: 'invalid' };
}

/** Parses or throws the API's 400 validation error. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input ?? {});
  if (!result.success) throw validationFailed(toFieldErrors(result.error));
  return result.data;
}

/**
 * `parseOrThrow` for a query string: an unknown parameter is named as itself (not as the body's "(body)"), and a
 * parameter given twice (?limit=1&limit=2) is said to be repeated rather than "of the wrong type".
 */
export function parseQuery<S extends z.ZodType>(schema: S, query: unknown): z.output<S> {
  const q = (query ?? {}) as Record<string, unknown>;
  const result = schema.safeParse(q);
  if (result.success) return result.data;
  const errors = toFieldErrors(result.error).flatMap((e): FieldError[] => {
    if (e.code === 'unknown_fields' && e.path === '(body)')
      return String(e.params?.fields ?? '')
        .split(', ')
        .map((k) => fieldError(k, 'unknown_parameter'));
    if (Array.isArray(q[e.path]) && e.code !== 'unknown_fields') return [fieldError(e.path, 'repeated_parameter')];
    return [e];
  });
  throw validationFailed(errors);
}

/** The largest id a record can have: ids are 32-bit integers on PostgreSQL (serial), so none is larger on either database. */
export const MAX_ID = 2_147_483_647;

/**
 * A path parameter that must be a record id: a positive whole number, else a 400 naming it. A larger id than any
 * record can have is a 404 before it reaches the database (PostgreSQL refuses to compare an int4 column with it).
 */
export function positiveId(value: unknown, path = 'id'): number {
  const id = Number(value);
  if (!Number.isSafeInteger(id) || id < 1) throw validationFailed([fieldError(path, 'positive_whole')]);
  if (id > MAX_ID) throw new HttpError(404, 'not_found', `No record has ${path} ${id}`);
  return id;
}
