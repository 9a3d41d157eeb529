import type { ProjectionOptions, ProjectionResult, TimePoint } from './types';
import { fail, runProjection, type FitResult, type MethodInfo } from './model';
import { interpolateDaily } from './interpolate';
import { Z80, Z95 } from './t-quantile';

export const HOLT_ALPHA = 0.5;
export const HOLT_BETA = 0.3;

export const HOLT: MethodInfo = {
  method: 'holt',
  name: 'Smoothed trend',
  describe: () =>
    `Recent level and trend, smoothed day by day between the reports (Holt's method, fixed α = ${HOLT_ALPHA}, β = ${HOLT_BETA}); range from the one-day-ahead errors at the reported dates, widened with the horizon as Holt's model implies (normal quantiles).`,
};

/** Fits the method on the first `n` points (the backtest refits it at every origin). */
export function fitHolt(t: readonly number[], y: readonly number[], n: number): FitResult {
  if (n < 2) return fail({ code: 'too_few_points', needed: 2, got: n });
  const daily = interpolateDaily(t, y, n);
  const a = HOLT_ALPHA;
  const b = HOLT_BETA;
  let level = daily[0];
  let trend = daily[1] - daily[0];
  let sse = 0;
  let count = 0;
  let next = 1; // index into t of the next reported day
  for (let i = 0; i < daily.length; i++) {
    if (i > 0 && i === t[next] - t[0]) {
      sse += (daily[i] - (level + trend)) ** 2;
      count++;
      next++;
    }
    const prev = level;
    level = a * daily[i] + (1 - a) * (level + trend);
    trend = b * (level - prev) + (1 - b) * trend;
  }
  const sigma = Math.sqrt(sse / count);
  const bb = a * b;
  const L = level;
  const T = trend;
  return {
    reason: null,
    model: {
      maxHorizon: null,
      capAtCeiling: false,
      parameters: { alpha: a, beta: b, level: L, trend: T, sigma },
      forecast(h) {
        const k = Math.max(h, 1);
        const se = sigma * Math.sqrt(1 + (k - 1) * (a * a + a * bb * k + (bb * bb * k * (2 * k - 1)) / 6));
        const c = L + h * T;
        return { central: c, lo80: c - Z80 * se, hi80: c + Z80 * se, lo95: c - Z95 * se, hi95: c + Z95 * se };
      },
    },
  };
}

/**
 * `holt`: Holt's linear trend (double exponential smoothing) on the day-by-day series obtained by
 * joining the reports with straight lines. Fixed smoothing α = 0.5 (level), β = 0.3 (trend);
 * initial level = y(0), initial trend = y(1) − y(0), placed before the first day as statsmodels does
 * (`Holt(y, initialization_method='known', initial_level=y[0], initial_trend=y[1]-y[0]).fit(0.5, 0.3)`):
 * for every day t (including day 0) ℓ_t = α·y_t + (1 − α)(ℓ + b), b_t = β(ℓ_t − ℓ) + (1 − β)·b.
 * Forecast h days ahead: ℓ + h·b.
 * Range: σ is the root mean square of the one-day-ahead errors at the days that have a report
 * (interpolated days would understate the error); the h-day variance is Holt's
 * σ²·[1 + (h − 1)(α² + αβ′h + β′²h(2h − 1)/6)] with β′ = α·β (Hyndman et al. 2008, *Forecasting with
 * Exponential Smoothing*, Table 6.1, ETS(A,A,N)), normal quantiles. At h = 0 (the last report) the one-day σ is used.
 * Source: Holt (1957); docs/statistics.md.
 *
 * @example holtProjection(points (days 0,2,4,7,9,12 → 48,500 … 520,000), { horizonDays: 9 })
 * // day 21 central 931,098.5
 */
export function holtProjection(points: readonly TimePoint[], options: ProjectionOptions = {}): ProjectionResult {
  return runProjection(HOLT, points, options, fitHolt);
}
