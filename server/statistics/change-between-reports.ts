import { toDay } from './days';

/** Both ends of a change between reports: real reported (or reconciled) values, never an interpolated day. */
export interface ReportChange<P> {
  from: P;
  to: P;
  /** Days between the two reports. */
  days: number;
  /** to.value − from.value, in people. */
  change: number;
}

/**
 * The change between two real reports about a week apart: from the latest report at least `span` days before the
 * last one (the first report when none is that old) to the last report. Unlike the 7-day change of the trend
 * ((y(t) − y_interp(t − 7)), interpolated between reports), both ends are values someone reported, and the dates say
 * which: what the sitrep box writes and what the summary CSV gives as changeBetweenReports. Null with fewer than 2 points.
 * Source: docs/statistics.md ("Change between reports").
 *
 * @example changeBetweenReports([{ date: '2024-11-28', value: 14_000 }, { date: '2024-11-30', value: 48_500 }, { date: '2024-12-06', value: 370_000 }])
 * // { from: { date: '2024-11-28', … }, to: { date: '2024-12-06', … }, days: 8, change: 356_000 }
 */
export function changeBetweenReports<P extends { date: string; value: number }>(points: readonly P[], span = 7): ReportChange<P> | null {
  if (points.length < 2) return null;
  const to = points[points.length - 1];
  const target = toDay(to.date) - span;
  let from = points[0];
  for (let i = points.length - 2; i >= 0; i--)
    if (toDay(points[i].date) <= target) {
      from = points[i];
      break;
    }
  return { from, to, days: toDay(to.date) - toDay(from.date), change: to.value - from.value };
}
