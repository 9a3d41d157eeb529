import type { ProjectionOptions, ProjectionResult, TimePoint } from './types';
import { fail, runProjection, type FitContext, type FitResult, type MethodInfo } from './model';
import { olsFit } from './ols';
import { tQuantile } from './t-quantile';

export const LOGLINEAR_MAX_DAYS_WITHOUT_CEILING = 14;

import { formatPeople as fmt } from './format-people';

export const LOGLINEAR: MethodInfo = {
  method: 'loglinear',
  name: 'Exponential growth',
  describe: (ctx: FitContext) =>
    'Exponential growth at the average daily rate of the reports (straight line through their logarithms); range from the prediction interval on the log scale, exponentiated. ' +
    (ctx.ceiling !== null
      ? `Capped at the quoted ceiling of ${fmt(ctx.ceiling)}.`
      : `No ceiling is quoted, so it is shown at most ${LOGLINEAR_MAX_DAYS_WITHOUT_CEILING} days ahead.`),
};

/** Fits the method on the first `n` points (the backtest refits it at every origin). */
export function fitLoglinear(t: readonly number[], y: readonly number[], n: number, ctx: FitContext): FitResult {
  if (n < 3) return fail({ code: 'too_few_points', needed: 3, got: n });
  for (let i = 0; i < n; i++) if (!(y[i] > 0)) return fail({ code: 'not_positive' });
  if (ctx.ceiling !== null && y[n - 1] >= ctx.ceiling) return fail({ code: 'last_at_ceiling' });
  const ly = new Array<number>(n);
  for (let i = 0; i < n; i++) ly[i] = Math.log(y[i]);
  const f = olsFit(t, ly, n);
  const s = f.s ?? 0;
  const q80 = tQuantile(0.9, n - 2);
  const q95 = tQuantile(0.975, n - 2);
  const tLast = t[n - 1];
  const parameters: Record<string, number> = { r: f.slope, logIntercept: f.intercept, r2: f.r2, residualSE: s, n };
  if (f.slope > 0) parameters.doublingDays = Math.LN2 / f.slope;
  return {
    reason: null,
    model: {
      maxHorizon: ctx.ceiling === null ? LOGLINEAR_MAX_DAYS_WITHOUT_CEILING : null,
      capAtCeiling: true,
      parameters,
      forecast(h) {
        const t0 = tLast + h;
        const z = f.intercept + f.slope * t0;
        const se = s * Math.sqrt(1 + 1 / n + (t0 - f.tMean) ** 2 / f.sxx);
        return {
          central: Math.exp(z),
          lo80: Math.exp(z - q80 * se),
          hi80: Math.exp(z + q80 * se),
          lo95: Math.exp(z - q95 * se),
          hi95: Math.exp(z + q95 * se),
        };
      },
    },
  };
}

/**
 * `loglinear`: exponential growth at a constant daily rate r, from least squares of ln y on days.
 * The prediction interval is computed on the log scale (as for `linear`, Student t with n − 2
 * degrees of freedom) and exponentiated, so it is asymmetric. Exponential growth cannot last:
 * with a quoted ceiling every value is capped at it; without one the curve stops 14 days after
 * the last report.
 * Source: docs/statistics.md; log-linear regression as in Hyndman & Athanasopoulos, FPP3 §7.7 (log transform,
 * back-transformed intervals).
 *
 * @example loglinearProjection(points (days 0,2,4,7,9,12 → 48,500 … 520,000))
 * // parameters.r = 0.1862098 per day, parameters.doublingDays = 3.7224; 15 points (14 days) without a ceiling
 */
export function loglinearProjection(points: readonly TimePoint[], options: ProjectionOptions = {}): ProjectionResult {
  return runProjection(LOGLINEAR, points, options, fitLoglinear);
}
