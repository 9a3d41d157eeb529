/**
 * Linear interpolation of a sorted series: the value at any day between two reports lies on
 * the straight line joining them. `interpolateAt` answers one day (binary search, no allocation);
 * `interpolateDaily` builds the day-by-day series from the first to the n-th point (Holt needs it).
 * Source: standard piecewise-linear interpolation (numpy.interp).
 *
 * @example interpolateAt([0, 2], [48500, 115000], 1) // 81750
 * @example interpolateDaily([0, 2], [48500, 115000], 2) // [48500, 81750, 115000]
 */
export function interpolateAt(t: readonly number[], y: readonly number[], day: number, n = t.length): number {
  if (n === 0) throw new RangeError('interpolateAt requires at least one point');
  if (day <= t[0]) return y[0];
  if (day >= t[n - 1]) return y[n - 1];
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (t[mid] <= day) lo = mid;
    else hi = mid;
  }
  const f = (day - t[lo]) / (t[hi] - t[lo]);
  return y[lo] + f * (y[hi] - y[lo]);
}

/** Day-by-day values from t[0] to t[n − 1] inclusive (t whole, strictly increasing days). */
export function interpolateDaily(t: readonly number[], y: readonly number[], n = t.length): number[] {
  if (n === 0) return [];
  const out: number[] = new Array(t[n - 1] - t[0] + 1);
  out[0] = y[0];
  for (let i = 1; i < n; i++) {
    const span = t[i] - t[i - 1];
    for (let d = 1; d <= span; d++) out[t[i - 1] - t[0] + d] = y[i - 1] + ((y[i] - y[i - 1]) * d) / span;
  }
  return out;
}
