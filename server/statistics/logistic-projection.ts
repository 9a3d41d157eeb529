import type { ProjectionOptions, ProjectionResult, TimePoint } from './types';
import { fail, runProjection, type FitContext, type FitResult, type MethodInfo } from './model';
import { olsFit } from './ols';
import { tQuantile } from './t-quantile';

import { formatPeople as fmt } from './format-people';

export const LOGISTIC: MethodInfo = {
  method: 'logistic',
  name: 'S-curve to the ceiling',
  describe: (ctx: FitContext) =>
    `S-shaped curve that slows down as it approaches ${ctx.ceiling !== null ? `the quoted ceiling of ${fmt(ctx.ceiling)}` : 'a quoted ceiling'} (logistic growth fitted by least squares on the logit scale); range from the prediction interval on the logit scale, so it never exceeds the ceiling.`,
};

/** Fits the method on the first `n` points (the backtest refits it at every origin). */
export function fitLogistic(t: readonly number[], y: readonly number[], n: number, ctx: FitContext): FitResult {
  const K = ctx.ceiling;
  if (K === null) return fail({ code: 'no_ceiling' });
  if (n < 3) return fail({ code: 'too_few_points', needed: 3, got: n });
  const z = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    if (!(y[i] > 0)) return fail({ code: 'not_positive' });
    if (y[i] >= K) return fail({ code: 'report_at_ceiling' });
    z[i] = Math.log(y[i] / (K - y[i]));
  }
  const f = olsFit(t, z, n);
  const s = f.s ?? 0;
  const q80 = tQuantile(0.9, n - 2);
  const q95 = tQuantile(0.975, n - 2);
  const tLast = t[n - 1];
  const back = (v: number) => K / (1 + Math.exp(-v));
  return {
    reason: null,
    model: {
      maxHorizon: null,
      capAtCeiling: true,
      parameters: { K, a: f.intercept, r: f.slope, r2: f.r2, residualSE: s, n },
      forecast(h) {
        const t0 = tLast + h;
        const c = f.intercept + f.slope * t0;
        const se = s * Math.sqrt(1 + 1 / n + (t0 - f.tMean) ** 2 / f.sxx);
        return { central: back(c), lo80: back(c - q80 * se), hi80: back(c + q80 * se), lo95: back(c - q95 * se), hi95: back(c + q95 * se) };
      },
    },
  };
}

/**
 * `logistic`: an S-curve that levels off at a quoted ceiling K (a scenario, never an observation):
 * least squares of the logit z = ln(y / (K − y)) on days gives z = a + r·t, and y = K / (1 + e^(−z)).
 * The prediction interval is computed on the logit scale (Student t, n − 2 degrees of freedom)
 * and transformed back, so it always stays between 0 and K.
 * Source: docs/statistics.md; linearised logistic fit as in Pearl & Reed (1920) and e.g. Banks,
 * *Growth and Diffusion Phenomena* (1994), §5.
 *
 * @example logisticProjection(points (days 0,2,4,7,9,12 → 48,500 … 520,000), { ceiling: 1_500_000, horizonDays: 9 })
 * // parameters a = −3.096072, r = 0.2181350; day 21 central 1,222,936
 */
export function logisticProjection(points: readonly TimePoint[], options: ProjectionOptions = {}): ProjectionResult {
  return runProjection(LOGISTIC, points, options, fitLogistic);
}
