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

/**
 * The ISO date of a day number. Civil-from-days arithmetic (H. Hinnant, "chrono-compatible low-level date
 * algorithms") rather than `Date#toISOString`: the projections build thousands of dates per analysis.
 */
export function fromDay(day: number): string {
  if (!Number.isInteger(day)) throw new TypeError(`fromDay requires a whole day number, got ${day}`);
  const z = day + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  if (y < 0 || y > 9999) return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
  return `${String(y).padStart(4, '0')}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`;
}
