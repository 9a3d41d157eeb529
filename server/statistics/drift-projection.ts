import type { ProjectionOptions, ProjectionResult, TimePoint } from './types';
import { fail, runProjection, type FitResult, type MethodInfo } from './model';
import { tQuantile } from './t-quantile';
import { DRIFT_POINTS } from './combined';

export const DRIFT: MethodInfo = {
  method: 'drift',
  name: 'Average daily change',
  describe: () =>
    'Average daily change over the last 8 reports, carried forward (random walk with drift); range from the day-to-day variation of the changes, widening with the horizon.',
};

/** Fits the method on the first `n` points (the backtest refits it at every origin). */
export function fitDrift(t: readonly number[], y: readonly number[], n: number): FitResult {
  if (n < 3) return fail({ code: 'too_few_points', needed: 3, got: n });
  const f = Math.max(0, n - DRIFT_POINTS);
  const span = t[n - 1] - t[f];
  const d = (y[n - 1] - y[f]) / span;
  const m = n - 1 - f;
  let ss = 0;
  for (let i = f + 1; i < n; i++) {
    const dt = t[i] - t[i - 1];
    ss += (y[i] - y[i - 1] - d * dt) ** 2 / dt;
  }
  const sigma = Math.sqrt(ss / (m - 1));
  const q80 = tQuantile(0.9, m - 1);
  const q95 = tQuantile(0.975, m - 1);
  const last = y[n - 1];
  return {
    reason: null,
    model: {
      maxHorizon: null,
      capAtCeiling: false,
      parameters: { drift: d, sigma, span, changes: m },
      forecast(h) {
        const c = last + d * h;
        const se = sigma * Math.sqrt(h * (1 + h / span));
        return { central: c, lo80: c - q80 * se, hi80: c + q80 * se, lo95: c - q95 * se, hi95: c + q95 * se };
      },
    },
  };
}

/**
 * `drift`: random walk with drift on unevenly spaced reports, on the last 8 reports (all if fewer): a
 * whole-history average keeps projecting a rise after a series has turned. The average daily change from
 * the first to the last of those reports is carried forward:
 *   d = (y_last − y_first) / span;  σ² = Σ((Δy − d·Δt)² / Δt) / (m − 1)  (m = number of changes);
 *   h days ahead: y_last + d·h, variance σ²·h·(1 + h/span).
 * Intervals use Student t with m − 1 degrees of freedom (wider than normal for few reports).
 * Source: docs/statistics.md; Hyndman & Athanasopoulos, *Forecasting: Principles and Practice* (3rd ed.), §5.2 and §5.5
 * (drift method and its forecast variance), generalised to uneven spacing by weighting each change by 1/Δt.
 *
 * @example driftProjection(points (days 0,2,4,7,9,12 → 48,500 … 520,000), { horizonDays: 18 })
 * // d = 39,291.67/day, σ = 13,815.19; day 21 central 873,625; day 30 central 1,227,250
 */
export function driftProjection(points: readonly TimePoint[], options: ProjectionOptions = {}): ProjectionResult {
  return runProjection(DRIFT, points, options, fitDrift);
}
