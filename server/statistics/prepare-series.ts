import type { TimePoint } from './types';
import { toDay } from './days';

export interface PreparedSeries {
  /** Days since the first date, strictly increasing. */
  t: number[];
  y: number[];
  /** Day number (since 1970-01-01) of the first date. */
  firstDay: number;
  /** The ISO date of each point (YYYY-MM-DD). */
  dates: string[];
  n: number;
}

/**
 * Puts dated values into the shape every fit uses: sorted by date, one value per date
 * (values reported on the same date are averaged), days counted from the first date.
 * Sorting makes every result independent of input order.
 * Source: plain bookkeeping, no statistics.
 *
 * @example prepareSeries([{ date: '2024-11-30', value: 48500 }, { date: '2024-11-28', value: 14000 }])
 * // { t: [0, 2], y: [14000, 48500], firstDay: 20055, dates: ['2024-11-28', '2024-11-30'], n: 2 }
 */
export function prepareSeries(points: readonly TimePoint[]): PreparedSeries {
  // Reconciled series arrive sorted with one point per date: then the columns are filled in one pass.
  const t: number[] = [];
  const y: number[] = [];
  const dates: string[] = [];
  let firstDay = 0;
  let previous = -Infinity;
  for (let i = 0; i < points.length; i++) {
    const p = points[i];
    if (typeof p.value !== 'number' || !Number.isFinite(p.value)) {
      throw new TypeError(`prepareSeries requires finite values, got ${p.value} on ${p.date}`);
    }
    const day = toDay(p.date);
    if (day <= previous) return prepareUnsorted(points);
    if (i === 0) firstDay = day;
    previous = day;
    t.push(day - firstDay);
    y.push(p.value);
    dates.push(p.date.length === 10 ? p.date : p.date.slice(0, 10));
  }
  return { t, y, firstDay, dates, n: t.length };
}

/** The general case: sorts, and averages the values of a date. */
function prepareUnsorted(points: readonly TimePoint[]): PreparedSeries {
  const rows = points.map((p) => {
    if (typeof p.value !== 'number' || !Number.isFinite(p.value)) {
      throw new TypeError(`prepareSeries requires finite values, got ${p.value} on ${p.date}`);
    }
    return { day: toDay(p.date), value: p.value, date: p.date.length === 10 ? p.date : p.date.slice(0, 10) };
  });
  rows.sort((a, b) => a.day - b.day || a.value - b.value);
  const t: number[] = [];
  const y: number[] = [];
  const dates: string[] = [];
  const firstDay = rows.length ? rows[0].day : 0;
  let i = 0;
  while (i < rows.length) {
    let j = i;
    let sum = 0;
    while (j < rows.length && rows[j].day === rows[i].day) sum += rows[j++].value;
    t.push(rows[i].day - firstDay);
    dates.push(rows[i].date);
    y.push(sum / (j - i));
    i = j;
  }
  return { t, y, firstDay, dates, n: t.length };
}
