import type { Estimate, Reason, TimePoint } from './types';
import { prepareSeries } from './prepare-series';
import { fromDay } from './days';
import { interpolateAt } from './interpolate';
import { olsFit } from './ols';

export interface Change {
  from: string;
  to: string;
  days: number;
  change: number;
  perDay: number;
}

export interface TrendResult {
  changes: Change[];
  /** Change per day over the 7 days before the last report (time-weighted). */
  sevenDayRate: Estimate & { asOf: string | null };
  /** Log-linear growth rate r per day (0.1 = about 10.5% a day). */
  growthRate: Estimate;
  doublingTimeDays: Estimate;
}

const none = (reason: Reason): Estimate => ({ value: null, reason });

/**
 * Trend of a series: change per day between consecutive reports; the time-weighted 7-day rate
 * (y(t) − y_interp(t − 7)) / 7 at the last report, with y_interp the straight-line interpolation
 * between reports; the log-linear growth rate r (least squares of ln y on days) and the doubling
 * time ln 2 / r. Each figure the data cannot support is null with a reason.
 * Source: docs/statistics.md. Reports on the same date are averaged (see prepareSeries).
 *
 * @example trend(points (days 0,2,4,7,9,12 → 48,500 … 520,000))
 * // growthRate.value 0.1862098, doublingTimeDays.value 3.7224, sevenDayRate.value 44,666.67 (day 5 interpolated to day 12)
 */
export function trend(points: readonly TimePoint[]): TrendResult {
  const s = prepareSeries(points);
  const { t, y, n } = s;
  const changes: Change[] = [];
  for (let i = 1; i < n; i++) {
    const days = t[i] - t[i - 1];
    changes.push({ from: fromDay(s.firstDay + t[i - 1]), to: fromDay(s.firstDay + t[i]), days, change: y[i] - y[i - 1], perDay: (y[i] - y[i - 1]) / days });
  }
  const few: Reason = n === 0 ? { code: 'no_points' } : { code: 'too_few_points', needed: 2, got: n };
  if (n < 2) {
    return { changes, sevenDayRate: { ...none(few), asOf: null }, growthRate: none(few), doublingTimeDays: none(few) };
  }
  const T = t[n - 1];
  const lastDate = fromDay(s.firstDay + T);
  const sevenDayRate =
    T - 7 >= t[0]
      ? { value: (y[n - 1] - interpolateAt(t, y, T - 7)) / 7, reason: null, asOf: lastDate }
      : { value: null, reason: { code: 'span_under_week', days: T - t[0] }, asOf: lastDate };

  let growthRate: Estimate;
  let doublingTimeDays: Estimate;
  if (y.some((v) => !(v > 0))) {
    growthRate = none({ code: 'not_positive' });
    doublingTimeDays = growthRate;
  } else {
    const r = olsFit(t, y.map(Math.log), n).slope;
    growthRate = { value: r, reason: null };
    doublingTimeDays = r > 0 ? { value: Math.LN2 / r, reason: null } : none({ code: 'not_growing' });
  }
  return { changes, sevenDayRate, growthRate, doublingTimeDays };
}
