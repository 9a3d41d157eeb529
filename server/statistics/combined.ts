/**
 * The published projection's building blocks (docs in server/statistics/README.md, "Published projection"):
 * the three simple forecasts, their median (the central), the drift width used when too few past errors are
 * known, and the robust summary of past log errors. All work on prepared arrays (days `t`, values `y`) and an
 * origin index `i` (only points 0..i are read), so the backtest can call them at every past report without
 * copying the series.
 *
 * Source: the combined rule was chosen on four real DTM/UNHCR series; naive and drift as in Hyndman &
 * Athanasopoulos, FPP3 §5.2; damped trend as in Gardner & McKenzie (1985); MAD as in Rousseeuw & Croux (1993).
 */
import { tQuantile } from './t-quantile';

/**
 * A number array of n zeros held as doubles from the start (plain arrays are cheaper to create than typed arrays
 * at these sizes, whose memory lies outside the heap; starting as doubles spares V8 a conversion at the first write).
 */
export function zeros(n: number): number[] {
  const a = [0.5];
  a.length = 0;
  for (let k = 0; k < n; k++) a.push(0);
  return a;
}

/** Reports the drift baseline averages over. */
export const DRIFT_POINTS = 8;
/** Reports the damped trend averages over. */
export const DAMPED_POINTS = 4;
/** Damping per reporting step. */
export const DAMPING = 0.8;
/** Most recent past errors the range is built from. */
export const MAX_ERRORS = 20;
/** Fewest past errors for an empirical range; below it the drift-width fallback is used. */
export const MIN_ERRORS = 8;
/** Fewest reports for any projection. */
export const MIN_POINTS = 3;
/** Nominal level of the published range. */
export const LEVEL = 0.8;
/** Standard normal 90% quantile: the half-width of a central 80% range in standard deviations. */
export const Z90 = 1.2815515655446004;
/** Makes the MAD a consistent estimate of the standard deviation for normal errors. */
export const MAD_SCALE = 1.4826;

export interface Components {
  naive: number;
  drift8: number;
  damped4: number;
}

/**
 * The three forecasts `h` days after report `i`, from reports 0..i (i ≥ 1).
 *
 * @example components([0, 2, 4, 7, 9, 12], [48500, 115000, 171000, 280000, 370000, 520000], 5, 7)
 * // { naive: 870000, drift8: 795041.67, damped4: 732476.42 } (numpy)
 */
export function components(t: ArrayLike<number>, y: ArrayLike<number>, i: number, h: number): Components {
  const yi = y[i];
  const naive = yi + (h * (yi - y[i - 1])) / (t[i] - t[i - 1]);
  const f8 = Math.max(0, i - DRIFT_POINTS + 1);
  const drift8 = yi + (h * (yi - y[f8])) / (t[i] - t[f8]);
  const f4 = Math.max(0, i - DAMPED_POINTS + 1);
  const r = (yi - y[f4]) / (t[i] - t[f4]);
  const tau = medianGap(t, f4, i);
  const m = h / tau;
  const damped4 = yi + (r * tau * DAMPING * (1 - DAMPING ** m)) / (1 - DAMPING);
  return { naive, drift8, damped4 };
}

/**
 * The three forecasts from one origin `i` for many horizons, with what does not depend on the horizon worked out
 * once (`from` moves it to another origin without allocating). Same arithmetic as `components`.
 */
export class Forecasts {
  private yi = 0;
  private nDiff = 0;
  private nGap = 1;
  private dDiff = 0;
  private dGap = 1;
  private rate = 0;
  private tau = 1;

  constructor(
    private readonly t: ArrayLike<number>,
    private readonly y: ArrayLike<number>,
  ) {}

  /** Forecasts from report i (i ≥ 1) from now on. */
  from(i: number): this {
    const { t, y } = this;
    this.yi = y[i];
    this.nDiff = y[i] - y[i - 1];
    this.nGap = t[i] - t[i - 1];
    const f8 = Math.max(0, i - DRIFT_POINTS + 1);
    this.dDiff = y[i] - y[f8];
    this.dGap = t[i] - t[f8];
    const f4 = Math.max(0, i - DAMPED_POINTS + 1);
    this.rate = (y[i] - y[f4]) / (t[i] - t[f4]);
    this.tau = medianGap(t, f4, i);
    return this;
  }

  naive(h: number): number {
    return this.yi + (h * this.nDiff) / this.nGap;
  }

  drift8(h: number): number {
    return this.yi + (h * this.dDiff) / this.dGap;
  }

  damped4(h: number): number {
    const tau = this.tau;
    return this.yi + (this.rate * tau * DAMPING * (1 - dampingPower(h, tau))) / (1 - DAMPING);
  }

  /**
   * The median of a, b and damped4(h) for h ≥ 0 when it is known without the power φ^(h/τ): the damped trend lies
   * between y_i and its limit y_i + r·τ·φ/(1 − φ), so when a and b are both beyond that interval (by far more than
   * rounding) the median is the nearer of them. NaN when damped4 is needed.
   */
  medianWithoutDamped(a: number, b: number): number {
    const limit = (this.rate * this.tau * DAMPING) / (1 - DAMPING);
    const margin = 1e-9 * (Math.abs(this.yi) + Math.abs(limit));
    const lo = this.yi + Math.min(0, limit) - margin;
    const hi = this.yi + Math.max(0, limit) + margin;
    if (a > hi && b > hi) return Math.min(a, b);
    if (a < lo && b < lo) return Math.max(a, b);
    return NaN;
  }
}

// φ^(h/τ) remembered: the rolling origin asks for horizon ÷ median gap at origin after origin, and the daily curve
// for h ÷ τ at h = 0 … H; the gaps are whole days, so τ (a median of up to three gaps) is a whole or half number of
// days and the same few hundred exponents recur across a situation's locations, while a power costs several
// times a look-up. Whole h below POWER_ROW and τ = k/2 with k below POWER_ROWS are kept in rows by τ; anything else
// in a map emptied when it grows past POWER_MEMO entries. A remembered power is the same bits as one computed anew
// (the exponent is h / τ either way).
const POWER_ROW = 512;
const POWER_ROWS = 64;
const powerRows: (Float64Array | undefined)[] = new Array<Float64Array | undefined>(POWER_ROWS).fill(undefined);
const POWER_MEMO = 4096;
const powers = new Map<number, number>();
function dampingPower(h: number, tau: number): number {
  const k = 2 * tau;
  if ((k | 0) === k && k > 0 && k < POWER_ROWS && (h | 0) === h && h >= 0 && h < POWER_ROW) {
    const row = (powerRows[k] ??= new Float64Array(POWER_ROW).fill(NaN));
    const v = row[h];
    if (v === v) return v;
    return (row[h] = DAMPING ** (h / tau));
  }
  const x = h / tau;
  let v = powers.get(x);
  if (v === undefined) {
    v = DAMPING ** x;
    if (powers.size >= POWER_MEMO) powers.clear();
    powers.set(x, v);
  }
  return v;
}

/** Median of the gaps t[k] − t[k−1] for k in (from, to]; at most 3 gaps, so no array is built. */
function medianGap(t: ArrayLike<number>, from: number, to: number): number {
  const k = to - from;
  if (k === 1) return t[to] - t[from];
  if (k === 2) return (t[to] - t[from]) / 2;
  if (k === 3) return median3(t[from + 1] - t[from], t[from + 2] - t[from + 1], t[to] - t[from + 2]);
  const gaps: number[] = [];
  for (let j = from + 1; j <= to; j++) gaps.push(t[j] - t[j - 1]);
  return median(gaps);
}

export function median3(a: number, b: number, c: number): number {
  return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
}

/** Median of a non-empty array (sorts a copy). */
export function median(values: readonly number[]): number {
  const s = Float64Array.from(values).sort();
  const k = s.length >> 1;
  return s.length % 2 ? s[k] : (s[k - 1] + s[k]) / 2;
}

/**
 * Central of the combined rule: max(0, median(naive, drift8, damped4)); with `floor` (a running total's last
 * value) it never goes below that.
 *
 * @example combinedCentral(components(t, y, 5, 21)) // 1,345,125 for the example series
 */
export function combinedCentral(c: Components, floor = 0): number {
  return Math.max(0, floor, median3(c.naive, c.drift8, c.damped4));
}

const T90 = [NaN, ...Array.from({ length: DRIFT_POINTS }, (_, i) => tQuantile(0.9, i + 1))];

/**
 * Width of the fallback range `h` days after report `i`: t(0.9, m − 1)·√(σ²·h·(1 + h/span)) of the
 * random walk with drift on the last 8 reports up to i (m changes). Needs i ≥ 2 (two changes).
 *
 * @example driftWidth([0, 2, 4, 7, 9, 12], [48500, 115000, 171000, 280000, 370000, 520000], 5, 7) // 70,516.8 (t(0.9, 4) = 1.53321)
 */
export function driftWidth(t: ArrayLike<number>, y: ArrayLike<number>, i: number, h: number): number {
  const f = Math.max(0, i - DRIFT_POINTS + 1);
  const span = t[i] - t[f];
  const sigma2 = driftVariance(t, y, f, i, span);
  return T90[i - f - 1] * Math.sqrt(sigma2 * h * (1 + h / span));
}

/** σ² of the random walk with drift on reports f..i: Σ((Δy − dΔt)² / Δt) / (m − 1), d = (y_i − y_f) / span. */
function driftVariance(t: ArrayLike<number>, y: ArrayLike<number>, f: number, i: number, span: number): number {
  const d = (y[i] - y[f]) / span;
  let ss = 0;
  for (let k = f + 1; k <= i; k++) {
    const dt = t[k] - t[k - 1];
    ss += (y[k] - y[k - 1] - d * dt) ** 2 / dt;
  }
  return ss / (i - f - 1);
}

/** `driftWidth` at report `i` for many horizons: σ², the span and the quantile are worked out once. */
export class DriftWidth {
  private readonly q: number;
  private readonly sigma2: number;
  private readonly span: number;

  constructor(t: ArrayLike<number>, y: ArrayLike<number>, i: number) {
    const f = Math.max(0, i - DRIFT_POINTS + 1);
    this.span = t[i] - t[f];
    this.sigma2 = driftVariance(t, y, f, i, this.span);
    this.q = T90[i - f - 1];
  }

  at(h: number): number {
    return this.q * Math.sqrt(this.sigma2 * h * (1 + h / this.span));
  }
}

/** Sorts a[0..n) in place; insertion sort, as n ≤ 20 here and it allocates nothing. */
export function sortSmall(a: number[], n: number) {
  for (let i = 1; i < n; i++) {
    const v = a[i];
    let j = i - 1;
    while (j >= 0 && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}

/**
 * Median m and robust spread s = 1.4826·median(|e − m|) of sorted[0..count) (ascending, count ≥ 1). The absolute
 * deviations are two ascending runs (below and above m), merged up to their middle: O(count), no sort.
 */
export function medianAndSpreadSorted(sorted: ArrayLike<number>, count: number): { m: number; s: number } {
  const mid = count >> 1;
  const m = count % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  // Split at the first value ≥ m: deviations m − sorted[lo] grow as lo falls, sorted[hi] − m as hi rises. That
  // value is at most sorted[mid] (which is ≥ m), and only ties put it further left.
  let p = mid;
  while (p > 0 && sorted[p - 1] >= m) p--;
  let lo = p - 1;
  let hi = p;
  let prev = 0;
  let cur = 0;
  for (let k = 0; k <= mid; k++) {
    const dl = lo >= 0 ? m - sorted[lo] : Number.POSITIVE_INFINITY;
    const dh = hi < count ? sorted[hi] - m : Number.POSITIVE_INFINITY;
    prev = cur;
    if (dl <= dh) {
      cur = dl;
      lo--;
    } else {
      cur = dh;
      hi++;
    }
  }
  const mad = count % 2 ? cur : (prev + cur) / 2;
  return { m, s: MAD_SCALE * mad };
}

/**
 * The same m and s as `medianAndSpreadSorted` (bit for bit) for sorted values without NaN: the MAD's middle order
 * statistics of the two ascending runs of deviations are found by halving over how many come from the run below m
 * (O(log count)) rather than by walking the merge to its middle, whose comparisons the processor cannot predict.
 */
export function medianAndSpreadSelect(sorted: ArrayLike<number>, count: number): { m: number; s: number } {
  const mid = count >> 1;
  const m = count % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  if (!Number.isFinite(m)) return medianAndSpreadSorted(sorted, count);
  // Deviations below m: L_j = m − sorted[p − 1 − j] (j < p); above: R_j = sorted[p + j] − m (j < count − p); both ascending.
  let p = mid;
  while (p > 0 && sorted[p - 1] >= m) p--;
  const nR = count - p;
  // The K-th smallest deviation (K = mid + 1) and, for an even count, the one before it. Take a of the first K from
  // L and K − a from R, the largest a whose last L is not above the next R: then the first K are L[0..a), R[0..K−a).
  const K = mid + 1;
  let lo = Math.max(0, K - nR);
  let hi = Math.min(K, p);
  while (lo < hi) {
    const a = (lo + hi + 1) >> 1;
    // L[a − 1] ≤ R[K − a] (R past its end counts as +∞): a of L can be among the first K.
    if (K - a >= nR || m - sorted[p - a] <= sorted[p + K - a] - m) lo = a;
    else hi = a - 1;
  }
  const a = lo;
  const lastL = a > 0 ? m - sorted[p - a] : Number.NEGATIVE_INFINITY;
  const lastR = K - a > 0 ? sorted[p + K - a - 1] - m : Number.NEGATIVE_INFINITY;
  const cur = Math.max(lastL, lastR);
  if (count % 2) return { m, s: MAD_SCALE * cur };
  // The (K − 1)-th: drop the largest of the two last ones and take the larger of what is left at the ends.
  let prev: number;
  if (lastL >= lastR) prev = Math.max(a > 1 ? m - sorted[p - a + 1] : Number.NEGATIVE_INFINITY, lastR);
  else prev = Math.max(lastL, K - a > 1 ? sorted[p + K - a - 2] - m : Number.NEGATIVE_INFINITY);
  return { m, s: MAD_SCALE * ((prev + cur) / 2) };
}

/**
 * The most recent `MAX_ERRORS` errors, kept sorted as they arrive (O(MAX_ERRORS) per error), for the backtest,
 * where each origin's window is the previous one plus the errors that became known.
 */
export class ErrorWindow {
  readonly sorted = zeros(MAX_ERRORS);
  size = 0;
  /** `value` joins; `leaving` (the oldest in the window, or undefined while it is not full) goes. */
  push(value: number, leaving: number | undefined) {
    if (leaving === undefined) this.add(value);
    else this.replace(leaving, value);
  }

  /** The window becomes values[from..to) (at most MAX_ERRORS of them), sorted. */
  fill(values: ArrayLike<number>, from: number, to: number) {
    const a = this.sorted;
    for (let k = from; k < to; k++) a[k - from] = values[k];
    this.size = to - from;
    sortSmall(a, this.size);
  }

  /** `value` joins a window that is not full yet. */
  add(value: number) {
    const a = this.sorted;
    let j = this.size - 1;
    while (j >= 0 && a[j] > value) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = value;
    this.size++;
  }

  /** `value` takes the place of `leaving` (in the window): one pass, the size unchanged. */
  replace(leaving: number, value: number) {
    const a = this.sorted;
    // The first slot holding `leaving` (the first not below it: it is there), found by halving.
    let k = 0;
    let hi = this.size - 1;
    while (k < hi) {
      const mid = (k + hi) >> 1;
      if (a[mid] < leaving) k = mid + 1;
      else hi = mid;
    }
    // Its slot moves towards where the new value belongs.
    if (value > leaving) {
      while (k + 1 < this.size && a[k + 1] < value) {
        a[k] = a[k + 1];
        k++;
      }
    } else {
      while (k > 0 && a[k - 1] > value) {
        a[k] = a[k - 1];
        k--;
      }
    }
    a[k] = value;
  }
}
