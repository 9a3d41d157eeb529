import { z } from 'zod';
import { formatISO } from 'date-fns';
import { HttpError, validationFailed, type FieldError } from './errors';

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
export function textProblem(s: string, max: number, rules: TextRules = {}): string | null {
  if (s.length > max) return `must be at most ${max} characters`;
  if ((rules.multiline ? CONTROL_MULTI : CONTROL_SINGLE).test(s))
    return rules.multiline ? 'must not contain control characters' : 'must not contain control characters or line breaks';
  if (BIDI.test(s)) return 'must not contain bidirectional control characters (U+202A–U+202E, U+2066–U+2069)';
  return null;
}

/** Text as it may be shown back in an error: control and bidi characters written as \uXXXX, at most 200 characters. */
export const shownSafely = (s: string) =>
  s.slice(0, 200).replace(/[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}`);

export const text = (max: number, rules: TextRules = {}) =>
  z
    .string({ error: (i) => (i.input === undefined ? 'is required' : 'must be text') })
    .trim()
    .max(max, `must be at most ${max} characters`)
    .superRefine((s, ctx) => {
      const problem = textProblem(s, max, rules);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });

export const requiredText = (max: number, rules: TextRules = {}) => text(max, rules).refine((s) => s.length > 0, 'is required');

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
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD')
    .refine(isCalendarDate, 'is not a real calendar date')
    .refine((s) => s >= MIN_DATE, `must not be before ${MIN_DATE}`)
    .refine((s) => !opts.notFuture || s <= todayIso(), 'must not be after today')
    .meta({ format: 'date' });

export const MAX_PEOPLE = 1_000_000_000;
export const people = () =>
  z
    .number({ error: (i) => (i.input === undefined ? 'is required' : 'must be a number') })
    .int('must be a whole number')
    .min(0, 'must not be negative')
    .max(MAX_PEOPLE, `must be at most ${MAX_PEOPLE.toLocaleString('en')}`);

export const httpUrl = () =>
  requiredText(2000).refine((s) => {
    try {
      const u = new URL(s);
      return (u.protocol === 'http:' || u.protocol === 'https:') && !!u.hostname;
    } catch {
      return false;
    }
  }, 'must be an http(s) URL');

export const slug = () =>
  z
    .string()
    .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be lower-case letters, digits and single hyphens')
    .max(80, 'must be at most 80 characters');

export const iso3 = () => z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 3166 alpha-3 country code such as SYR');

/** One of `values`; says "is required" when missing and lists the values otherwise. */
export const enumOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: (i) => (i.input === undefined || i.input === '' ? 'is required' : `must be one of ${values.join(', ')}`) });

export const locationCode = () => z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{1,39}$/, 'must be a location code (p-code or ISO 3166-2)');

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
    .map((i) => ({
      path: i.path.length ? i.path.join('.') : '(body)',
      message: i.code === 'unrecognized_keys' ? `unknown field(s): ${(i as { keys: string[] }).keys.join(', ')}` : i.message,
    }));
}

/** Parses or throws the API's 400 validation error. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input ?? {});
  if (!result.success) throw validationFailed(toFieldErrors(result.error));
  return result.data;
}

/** The largest id a record can have: ids are 32-bit integers on PostgreSQL (serial), so none is larger on either database. */
export const MAX_ID = 2_147_483_647;

/**
 * A path parameter that must be a record id: a positive whole number, else a 400 naming it. A larger id than any
 * record can have is a 404 before it reaches the database (PostgreSQL refuses to compare an int4 column with it).
 */
export function positiveId(value: unknown, path = 'id'): number {
  const id = Number(value);
  if (!Number.isSafeInteger(id) || id < 1) throw validationFailed([{ path, message: 'must be a positive whole number' }]);
  if (id > MAX_ID) throw new HttpError(404, 'not_found', `No record has ${path} ${id}`);
  return id;
}
