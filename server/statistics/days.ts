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
  // Fast path for a well-formed YYYY-MM-DD of 1900–2199 (every series reads a date per report): the day of 1 January
  // from a table, then the month's offset. Anything else goes through days-from-civil or the checks below.
  if (typeof iso === 'string' && iso.length >= 10 && iso.charCodeAt(4) === 45 && iso.charCodeAt(7) === 45) {
    const y = digits(iso, 0, 4);
    const mo = digits(iso, 5, 2);
    const d = digits(iso, 8, 2);
    if (y >= TABLE_YEAR && y < TABLE_YEAR + TABLE_YEARS && mo >= 1 && mo <= 12 && d >= 1) {
      const leap = YEAR_START[y - TABLE_YEAR + 1] - YEAR_START[y - TABLE_YEAR] === 366 ? 13 : 0;
      if (d <= MONTH_START[leap + mo] - MONTH_START[leap + mo - 1]) return YEAR_START[y - TABLE_YEAR] + MONTH_START[leap + mo - 1] + d - 1;
    } else if (y >= 0 && mo >= 1 && mo <= 12 && d >= 1 && d <= daysIn(y, mo)) {
      const yy = mo <= 2 ? y - 1 : y;
      const era = Math.floor(yy / 400);
      const yoe = yy - era * 400;
      const doy = Math.floor((153 * (mo > 2 ? mo - 3 : mo + 9) + 2) / 5) + d - 1;
      const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
      return era * 146097 + doe - 719468;
    }
  }
  const m = ISO_DATE.exec(iso);
  if (!m) throw new TypeError(`toDay requires an ISO date YYYY-MM-DD, got ${JSON.stringify(iso)}`);
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (!Number.isFinite(ms)) throw new TypeError(`toDay: invalid date ${iso}`);
  return Math.round(ms / MS_PER_DAY);
}

// "-01" … "-12" and "-01" … "-31": a date string is three concatenations.
const TWO = Array.from({ length: 13 }, (_, i) => `-${String(i).padStart(2, '0')}`);
const TWO_D = Array.from({ length: 32 }, (_, i) => `-${String(i).padStart(2, '0')}`);

// Day numbers of 1 January of 1900 … 2200, and the days before each month (common year at 0, leap year at 13).
const TABLE_YEAR = 1900;
const TABLE_YEARS = 300;
const YEAR_START = Int32Array.from({ length: TABLE_YEARS + 1 }, (_, k) => Math.round(Date.UTC(TABLE_YEAR + k, 0, 1) / MS_PER_DAY));
const MONTH_START = Int32Array.from([0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365, 0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335, 366]);

/** The number written by `len` decimal digits at `at`, or −1. */
function digits(s: string, at: number, len: number): number {
  let v = 0;
  for (let k = at; k < at + len; k++) {
    const c = s.charCodeAt(k) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

const daysIn = (y: number, m: number) => (m === 2 ? (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31);

/**
 * The ISO date of a day number. Civil-from-days arithmetic (H. Hinnant, "chrono-compatible low-level date
 * algorithms") rather than `Date#toISOString`: the projections build thousands of dates per analysis.
 */
export function fromDay(day: number): string {
  const k = day - TABLE_FROM;
  if ((k | 0) === k && k >= 0 && k < TABLE_DAYS) return (TABLE[k] ??= civil(day));
  if (!Number.isInteger(day)) throw new TypeError(`fromDay requires a whole day number, got ${day}`);
  return civil(day);
}

// The strings of 1990-01-01 … 2089-12-31, made once each as they are first asked for: a fixed table of a pure
// function (about 36,500 short strings at most), so the thousands of dates a projection writes are not rebuilt.
const TABLE_FROM = 7305;
const TABLE_DAYS = 36525;
const TABLE: (string | undefined)[] = new Array<string | undefined>(TABLE_DAYS).fill(undefined);

function civil(day: number): string {
  const z = day + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  if (y < 1000 || y > 9999) return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
  return y + TWO[m] + TWO_D[d];
}
