/**
 * Rolling-origin backtest: for every origin k = 3 … n − 1, refit each method on the first k reports
 * and forecast the later reports whose day offset from the origin (the k-th report) is at most the
 * horizon (7 and 14 days by default; the 14-day figures include the 7-day ones). Only real reports are
 * scored, never interpolated days. Forecasts are clamped exactly as the projections are (≥ 0, running
 * totals ≥ the value at the origin, capped at the ceiling for loglinear/logistic).
 * Per method and horizon:
 *   MAPE  = mean |actual − forecast| / |actual| × 100 (reports of 0 are left out of MAPE);
 *   MASE  = Σ|actual − forecast| / Σ|actual − naive|, where naive extrapolates the last observed rate of
 *           change (the change per day between the last two reports before the origin) — a relative MAE
 *           against that naive forecast, over the same held-out reports (< 1: better than naive);
 *   coverage80 / coverage95 = share of held-out reports inside the 80% / 95% interval;
 *   n = number of forecasts scored.
 * Source: Hyndman & Athanasopoulos, FPP3 §5.8 (accuracy, MASE) and §5.10 (time-series cross-validation);
 * DESIGN.md §3.
 *
 * @example backtest({ points (days 0,2,4,7,9,12 → 48,500 … 520,000) })
 * // { methods: { linear: { horizons: [{ horizonDays: 7, n: 5, mape: …, mase: …, coverage80: …, coverage95: … }, …] }, … } }
 */
import type { MethodKey, TimePoint } from './types';
import { METHOD_KEYS } from './types';
import { prepareSeries } from './prepare-series';
import { clampForecast, limits } from './model';
import { FITTERS } from './fitters';

export const BACKTEST_MIN_POINTS = 3;
export const BACKTEST_HORIZONS: readonly number[] = [7, 14];

export interface BacktestInput {
  points: readonly TimePoint[];
  ceiling?: number | null;
  cumulative?: boolean;
  /** Default [7, 14]. */
  horizons?: readonly number[];
  /** Default all five methods. */
  methods?: readonly MethodKey[];
}

export interface BacktestMetrics {
  horizonDays: number;
  n: number;
  mape: number | null;
  mase: number | null;
  coverage80: number | null;
  coverage95: number | null;
  reason: string | null;
}

export interface MethodBacktest {
  method: MethodKey;
  horizons: BacktestMetrics[];
  /** Origins at which the method could not be fitted (e.g. too few points for logistic without a ceiling). */
  originsSkipped: number;
  reason: string | null;
}

export interface BacktestResult {
  description: string;
  minPoints: number;
  /** Number of rolling origins (n − 3 for n reports). */
  origins: number;
  methods: Partial<Record<MethodKey, MethodBacktest>> | null;
  reason: string | null;
}

const DESCRIPTION =
  'Rolling origin: each method is refitted on the first 3, 4, … reports and checked against the reports that followed within 7 and 14 days. MAPE is the average error in percent; MASE compares the error with simply continuing the last rate of change (below 1 is better); coverage is the share of later reports that fell inside the 80% and 95% ranges.';

export function backtest(input: BacktestInput): BacktestResult {
  const horizons = [...(input.horizons ?? BACKTEST_HORIZONS)].sort((a, b) => a - b);
  if (horizons.some((h) => !(Number.isInteger(h) && h > 0))) throw new RangeError('backtest horizons must be whole numbers of days > 0');
  const methods = input.methods ?? METHOD_KEYS;
  const ceiling = input.ceiling ?? null;
  const cumulative = input.cumulative ?? false;
  const s = prepareSeries(input.points);
  const { t, y, n } = s;
  const base = { description: DESCRIPTION, minPoints: BACKTEST_MIN_POINTS };
  if (n < BACKTEST_MIN_POINTS + 1) {
    return { ...base, origins: 0, methods: null, reason: `needs at least ${BACKTEST_MIN_POINTS + 1} reports on different dates (${BACKTEST_MIN_POINTS} to fit, 1 to check); there are ${n}` };
  }
  const maxH = horizons[horizons.length - 1];
  const out: Partial<Record<MethodKey, MethodBacktest>> = {};
  for (const method of methods) {
    const fit = FITTERS[method];
    const acc = horizons.map(() => ({ n: 0, apeSum: 0, apeN: 0, ae: 0, naiveAe: 0, in80: 0, in95: 0 }));
    let skipped = 0;
    let lastReason: string | null = null;
    for (let k = BACKTEST_MIN_POINTS; k < n; k++) {
      const o = k - 1;
      const r = fit(t, y, k, { ceiling });
      if (r.model === null) {
        skipped++;
        lastReason = r.reason;
        continue;
      }
      const model = r.model;
      const { floor, cap } = limits(model, y[o], cumulative, ceiling);
      const rate = (y[o] - y[o - 1]) / (t[o] - t[o - 1]);
      for (let j = k; j < n; j++) {
        const d = t[j] - t[o];
        if (d > maxH) break;
        if (model.maxHorizon !== null && d > model.maxHorizon) break;
        const f = clampForecast(model.forecast(d), floor, cap);
        if (f === null) continue;
        const actual = y[j];
        const naive = Math.max(y[o] + rate * d, floor);
        const err = Math.abs(actual - f.central);
        for (let hi = 0; hi < horizons.length; hi++) {
          if (d > horizons[hi]) continue;
          const a = acc[hi];
          a.n++;
          if (actual !== 0) {
            a.apeSum += (err / Math.abs(actual)) * 100;
            a.apeN++;
          }
          a.ae += err;
          a.naiveAe += Math.abs(actual - naive);
          if (actual >= f.lo80 && actual <= f.hi80) a.in80++;
          if (actual >= f.lo95 && actual <= f.hi95) a.in95++;
        }
      }
    }
    const metrics: BacktestMetrics[] = horizons.map((h, i) => {
      const a = acc[i];
      if (a.n === 0) {
        const why = skipped === n - BACKTEST_MIN_POINTS && lastReason ? `could not be fitted: ${lastReason}` : `no later report within ${h} days of any origin`;
        return { horizonDays: h, n: 0, mape: null, mase: null, coverage80: null, coverage95: null, reason: why };
      }
      const reasons: string[] = [];
      if (a.apeN === 0) reasons.push('MAPE: all checked reports are 0');
      if (!(a.naiveAe > 0)) reasons.push('MASE: the naive last-rate forecast was exact, nothing to compare with');
      return {
        horizonDays: h,
        n: a.n,
        mape: a.apeN > 0 ? a.apeSum / a.apeN : null,
        mase: a.naiveAe > 0 ? a.ae / a.naiveAe : null,
        coverage80: a.in80 / a.n,
        coverage95: a.in95 / a.n,
        reason: reasons.length ? reasons.join('; ') : null,
      };
    });
    const fitted = skipped < n - BACKTEST_MIN_POINTS;
    out[method] = { method, horizons: metrics, originsSkipped: skipped, reason: fitted ? null : `could not be fitted at any origin: ${lastReason}` };
  }
  return { ...base, origins: n - BACKTEST_MIN_POINTS, methods: out, reason: null };
}
