/**
 * Ordinary least squares of y on t over the first `n` points, with what a prediction
 * interval needs: residual standard error s (n − 2 degrees of freedom), mean of t and
 * Σ(t − t̄)². Slope and intercept come from simple-statistics `linearRegression`, R² from `rSquared`.
 * Source: any regression text, e.g. Montgomery, Peck & Vining, *Introduction to Linear Regression Analysis*, §2.4.
 *
 * @example olsFit([0, 2, 4, 7, 9, 12], [48500, 115000, 171000, 280000, 370000, 520000], 6)
 * // { slope: 38669.41, intercept: 31623.36, r2: 0.98865, s: 20849.46, ... } (numpy.polyfit / statsmodels OLS)
 */
import { linearRegression, rSquared, linearRegressionLine } from 'simple-statistics';

export interface OlsFit {
  slope: number;
  intercept: number;
  n: number;
  tMean: number;
  sxx: number;
  /** Residual standard error; null when n < 3 (no degrees of freedom left). */
  s: number | null;
  r2: number;
}

/** Requires n ≥ 2 points on distinct days (callers check; t strictly increasing). */
export function olsFit(t: readonly number[], y: readonly number[], n: number): OlsFit {
  if (n < 2) throw new RangeError('olsFit requires at least two points');
  const pairs: number[][] = new Array(n);
  let tSum = 0;
  for (let i = 0; i < n; i++) {
    pairs[i] = [t[i], y[i]];
    tSum += t[i];
  }
  const { m, b } = linearRegression(pairs);
  const tMean = tSum / n;
  let sxx = 0;
  let sse = 0;
  let yMean = 0;
  for (let i = 0; i < n; i++) yMean += y[i] / n;
  let sst = 0;
  for (let i = 0; i < n; i++) {
    sxx += (t[i] - tMean) ** 2;
    sse += (y[i] - (b + m * t[i])) ** 2;
    sst += (y[i] - yMean) ** 2;
  }
  // simple-statistics' rSquared divides by Σ(y − ȳ)², which is 0 for a flat series: a flat line fits it perfectly.
  const r2 = sst > 0 ? rSquared(pairs, linearRegressionLine({ m, b })) : 1;
  return { slope: m, intercept: b, n, tMean, sxx, s: n > 2 ? Math.sqrt(sse / (n - 2)) : null, r2 };
}
