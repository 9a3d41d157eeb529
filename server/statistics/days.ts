/**
 * Day numbers for ISO dates: whole days since 1970-01-01 (UTC), and back.
 * Source: calendar arithmetic on `Date.UTC`; no time zones are involved.
 *
 * @example toDay('2024-11-27') // 20054
 * @example fromDay(20054) // '2024-11-27'
 */
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})/;
const MS_PER_DAY = 86_400_000;

/** Whole days since 1970-01-01 of an ISO date (a longer ISO timestamp is cut to its date). */
export function toDay(iso: string): number {
  const m = ISO_DATE.exec(iso);
  if (!m) throw new TypeError(`toDay requires an ISO date YYYY-MM-DD, got ${JSON.stringify(iso)}`);
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (!Number.isFinite(ms)) throw new TypeError(`toDay: invalid date ${iso}`);
  return Math.round(ms / MS_PER_DAY);
}

/** The ISO date of a day number. */
export function fromDay(day: number): string {
  if (!Number.isInteger(day)) throw new TypeError(`fromDay requires a whole day number, got ${day}`);
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}
