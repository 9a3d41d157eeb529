import { z } from 'zod';
import { formatISO } from 'date-fns';
import { validationFailed, type FieldError } from './errors';

/* Shared zod building blocks: every input schema is made of these, and the OpenAPI document is generated from them. */

// Control characters other than tab, newline and carriage return never belong in user text.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

export const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `must be at most ${max} characters`)
    .refine((s) => !CONTROL.test(s), 'must not contain control characters');

export const requiredText = (max: number) => text(max).refine((s) => s.length > 0, 'is required');

export const optionalText = (max: number) =>
  z.preprocess((v) => (v === '' ? null : v), text(max).nullable().optional());

// Today's date, worked out at most once a second: every date cell of a million-row import is checked against it.
let today = { until: 0, iso: '' };
export const todayIso = () => {
  const now = Date.now();
  if (now >= today.until) today = { until: now + 1000, iso: formatISO(now, { representation: 'date' }) };
  return today.iso;
};

/** True for a `YYYY-MM-DD` that exists on the calendar (checked by hand: this runs for every row of a million-row import). */
export function isCalendarDate(s: string): boolean {
  const y = +s.slice(0, 4), m = +s.slice(5, 7), d = +s.slice(8, 10);
  if (!(m >= 1 && m <= 12 && d >= 1)) return false;
  const days = m === 2 ? (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31;
  return d <= days;
}

/** A calendar date `YYYY-MM-DD` that exists; `notFuture` rejects dates after today (UTC). */
export const isoDate = (opts: { notFuture?: boolean } = {}) =>
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD')
    .refine(isCalendarDate, 'is not a real calendar date')
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
  z.enum(values, { error: (i) => (i.input === undefined ? 'is required' : `must be one of ${values.join(', ')}`) });

export const locationCode = () => z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{1,39}$/, 'must be a location code (p-code or ISO 3166-2)');

/** zod issues → the API's field list. */
export function toFieldErrors(error: z.ZodError): FieldError[] {
  const seen = new Set<string>();
  // One message per field: the first check that failed says the most (a malformed date is not also "not a real date").
  return error.issues.filter((i) => { const k = i.path.join('.'); if (seen.has(k)) return false; seen.add(k); return true; }).map((i) => ({
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

/** A path parameter that must be a record id: a positive whole number, else a 400 naming it. */
export function positiveId(value: unknown, path = 'id'): number {
  const id = Number(value);
  if (!Number.isSafeInteger(id) || id < 1) throw validationFailed([{ path, message: 'must be a positive whole number' }]);
  return id;
}
