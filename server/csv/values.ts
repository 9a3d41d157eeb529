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
export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(message: string): Parsed<T> => ({ ok: false, message });

const DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** A calendar date; returns `YYYY-MM-DD`. */
export function parseDate(s: string): Parsed<string> {
  const m = DATE.exec(s.trim());
  if (!m) return fail('must be a date as YYYY-MM-DD');
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  if (t.getUTCFullYear() !== y || t.getUTCMonth() !== mo - 1 || t.getUTCDate() !== d) return fail(`${m[1]}-${m[2]}-${m[3]} is not a real calendar date`);
  return ok(`${m[1]}-${m[2]}-${m[3]}`);
}

/** A number of people (or households): a non-negative whole number without separators. */
export function parseCount(s: string): Parsed<number> {
  const t = s.trim();
  if (/^\d+(\.0+)?$/.test(t)) {
    const n = Number(t);
    return Number.isSafeInteger(n) ? ok(n) : fail('is too large');
  }
  if (/^-\s*\d/.test(t)) return fail('must not be negative');
  if (/^\d{1,3}([,  .'’]\d{3})+$/.test(t)) return fail(`must be a plain whole number without thousands separators: write ${t.replace(/\D/g, '')}`);
  if (/^\d+[.,]\d+$/.test(t)) return fail('must be a whole number');
  return fail('must be a whole number, e.g. 1234');
}

/** A positive decimal such as a household size (5.8). */
export function parsePositiveDecimal(s: string): Parsed<number> {
  const t = s.trim();
  if (!/^\d+(\.\d+)?$/.test(t)) return /^-/.test(t) ? fail('must be greater than 0') : fail('must be a number such as 5.8 (dot for decimals)');
  const n = Number(t);
  return n > 0 ? ok(n) : fail('must be greater than 0');
}

/** One of the allowed values, exactly. */
export function parseEnum<T extends string>(s: string, values: readonly T[]): Parsed<T> {
  const t = s.trim();
  return (values as readonly string[]).includes(t) ? ok(t as T) : fail(`must be one of ${values.join(', ')}`);
}

/** An ISO 3166 alpha-3 country code. */
export function parseIso3(s: string): Parsed<string> {
  const t = s.trim();
  return /^[A-Z]{3}$/.test(t) ? ok(t) : fail('must be an ISO 3166 alpha-3 country code such as SDN');
}

/** A location code as the API accepts it (p-code, ISO 3166-2, ISO3). */
export function parseLocationCode(s: string): Parsed<string> {
  const t = s.trim();
  return /^[A-Za-z0-9][A-Za-z0-9_.-]{1,39}$/.test(t) ? ok(t) : fail('must be a location code (p-code, ISO 3166-2 or ISO3)');
}
