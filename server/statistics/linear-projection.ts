import type { ProjectionOptions, ProjectionResult, TimePoint } from './types';
import { fail, runProjection, type FitResult, type MethodInfo } from './model';
import { olsFit } from './ols';
import { tQuantile } from './t-quantile';

export const LINEAR: MethodInfo = {
  method: 'linear',
  name: 'Straight line',
  describe: () => 'Straight line fitted to the reported points (least squares); range from the prediction interval (Student t).',
};

/** Fits the method on the first `n` points (the backtest refits it at every origin). */
export function fitLinear(t: readonly number[], y: readonly number[], n: number): FitResult {
  if (n < 3) return fail({ code: 'too_few_points', needed: 3, got: n });
  const f = olsFit(t, y, n);
  const s = f.s ?? 0;
  const q80 = tQuantile(0.9, n - 2);
  const q95 = tQuantile(0.975, n - 2);
  const tLast = t[n - 1];
  return {
    reason: null,
    model: {
      maxHorizon: null,
      capAtCeiling: false,
      parameters: { slope: f.slope, intercept: f.intercept, r2: f.r2, residualSE: s, n, t975: q95 },
      forecast(h) {
        const t0 = tLast + h;
        const c = f.intercept + f.slope * t0;
        const se = s * Math.sqrt(1 + 1 / n + (t0 - f.tMean) ** 2 / f.sxx);
        return { central: c, lo80: c - q80 * se, hi80: c + q80 * se, lo95: c - q95 * se, hi95: c + q95 * se };
      },
    },
  };
}

/**
 * `linear`: a straight line fitted by least squares to the reported points (days on x),
 * with the OLS prediction interval
 *   ŷ ± t(n−2, q) · s · √(1 + 1/n + (t₀ − t̄)² / Σ(t − t̄)²).
 * Source: docs/statistics.md; Montgomery, Peck & Vining, *Introduction to Linear Regression Analysis*, §2.4.2;
 * matches statsmodels `OLS(...).get_prediction().summary_frame(alpha)` obs_ci.
 *
 * @example linearProjection(points (days 0,2,4,7,9,12 → 48,500 … 520,000), { horizonDays: 9 })
 * // last point (day 21): central 843,680.9, lo95 735,587.3, hi95 951,774.5, lo80 783,989.5, hi80 903,372.3
 */
export function linearProjection(points: readonly TimePoint[], options: ProjectionOptions = {}): ProjectionResult {
  return runProjection(LINEAR, points, options, fitLinear);
}
