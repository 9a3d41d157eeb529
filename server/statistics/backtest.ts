import type { MethodKey, Reason, TimePoint } from './types';
import { METHOD_KEYS } from './types';
import { prepareSeries } from './prepare-series';
import { clampForecast, limits } from './model';
import { FITTERS } from './fitters';
import { interpolateAt } from './interpolate';
import { DRIFT_POINTS } from './combined';

export interface BacktestInput {
  points: readonly TimePoint[];
  horizonDays: number;
  ceiling?: number | null;
  cumulative?: boolean;
  /** Default all five methods. */
  methods?: readonly MethodKey[];
}

export interface MethodBacktest {
  method: MethodKey;
  horizonDays: number;
  n: number;
  mape: number | null;
  mase: number | null;
  coverage80: number | null;
  coverage95: number | null;
  reason: Reason | null;
}

export interface BacktestResult {
  horizonDays: number;
  /** Origins scored (reports with at least 8 before or at them and a known target). */
  origins: number;
  methods: Record<MethodKey, MethodBacktest> | null;
  reason: Reason | null;
}

/**
 * Track record of every alternative method at one horizon, for the methods section: the same rolling origins
 * and the same interpolated actuals as the published projection's track record (published-projection.ts), so
 * the two can be compared line by line. At every origin i with at least 8 reports up to it whose target
 * t_i + h is on or before the last report, each method is refitted on reports 0..i, forecast h days ahead and
 * clamped as the projections are (≥ 0, running totals ≥ the value at the origin, capped at the ceiling for
 * loglinear/logistic); the actual A_i is the straight-line interpolation of the reports at t_i + h.
 *   MAPE = mean |A − F| / |A| × 100 (actuals of 0 left out); MASE = Σ|A − F| / Σ|A − naive| with naive the last
 *   gap's rate continued; coverage80 / coverage95 = share of actuals inside the method's own 80% / 95% interval.
 * A method whose curve stops before h (loglinear without a ceiling beyond 14 days) has no record at that horizon.
 * Source: Hyndman & Athanasopoulos, FPP3 §5.8 (accuracy, MASE) and §5.10 (time-series cross-validation).
 *
 * @example backtest({ points: sudanWeekly, horizonDays: 14 }).methods.drift
 * // { method: 'drift', n: 35, mape: 2.30, mase: …, coverage80: …, coverage95: …, reason: null }
 */
export function backtest(input: BacktestInput): BacktestResult {
  const H = input.horizonDays;
  if (!(Number.isInteger(H) && H >= 0)) throw new RangeError(`backtest horizonDays must be a whole number ≥ 0, got ${H}`);
  const ceiling = input.ceiling ?? null;
  const cumulative = input.cumulative ?? false;
  const { t, y, n } = prepareSeries(input.points);
  const origins: number[] = [];
  for (let i = DRIFT_POINTS - 1; i < n && t[i] + H <= t[n - 1]; i++) origins.push(i);
  if (origins.length === 0) {
    return { horizonDays: H, origins: 0, methods: null, reason: { code: 'no_track_record', horizonDays: H, neededReports: DRIFT_POINTS, reports: n } };
  }
  const actual = origins.map((i) => interpolateAt(t, y, t[i] + H));
  const naiveErr = origins.map((i, k) => {
    const floor = cumulative ? Math.max(0, y[i]) : 0;
    return Math.abs(actual[k] - Math.max(floor, y[i] + (H * (y[i] - y[i - 1])) / (t[i] - t[i - 1])));
  });
  const out = {} as Record<MethodKey, MethodBacktest>;
  for (const method of input.methods ?? METHOD_KEYS) {
    let scored = 0;
    let apeSum = 0;
    let apeN = 0;
    let ae = 0;
    let naiveAe = 0;
    let in80 = 0;
    let in95 = 0;
    let lastReason: Reason | null = null;
    for (let k = 0; k < origins.length; k++) {
      const i = origins[k];
      const r = FITTERS[method](t, y, i + 1, { ceiling });
      if (r.model === null) {
        lastReason = r.reason;
        continue;
      }
      if (r.model.maxHorizon !== null && H > r.model.maxHorizon) {
        lastReason = { code: 'beyond_method_horizon', maxDays: r.model.maxHorizon };
        continue;
      }
      const { floor, cap } = limits(r.model, y[i], cumulative, ceiling);
      const f = clampForecast(r.model.forecast(H), floor, cap);
      if (f === null) continue;
      const A = actual[k];
      const err = Math.abs(A - f.central);
      scored++;
      ae += err;
      naiveAe += naiveErr[k];
      if (A !== 0) {
        apeSum += err / Math.abs(A);
        apeN++;
      }
      if (A >= f.lo80 && A <= f.hi80) in80++;
      if (A >= f.lo95 && A <= f.hi95) in95++;
    }
    out[method] = {
      method,
      horizonDays: H,
      n: scored,
      mape: apeN ? (apeSum / apeN) * 100 : null,
      mase: scored && naiveAe > 0 ? ae / naiveAe : null,
      coverage80: scored ? in80 / scored : null,
      coverage95: scored ? in95 / scored : null,
      reason: scored ? null : (lastReason ?? { code: 'not_computable' }),
    };
  }
  return { horizonDays: H, origins: origins.length, methods: out, reason: null };
}
