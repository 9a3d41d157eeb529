/**
 * Student-t quantile: the value below which a fraction `p` of a t distribution with `df`
 * degrees of freedom lies. Source: @stdlib/stats-base-dists-t-quantile (simple-statistics has none).
 *
 * @example tQuantile(0.975, 4) // 2.776445105197794 (scipy.stats.t.ppf(0.975, 4): 2.7764451052)
 */
import quantile = require('@stdlib/stats-base-dists-t-quantile');

export function tQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1) || !(df > 0)) throw new RangeError(`tQuantile requires 0 < p < 1 and df > 0, got p=${p}, df=${df}`);
  return quantile(p, df);
}

/** Standard normal quantiles for the two-sided 80% and 95% intervals. */
export const Z80 = 1.2815515655446004;
export const Z95 = 1.959963984540054;
