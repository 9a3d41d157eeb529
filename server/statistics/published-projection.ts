import type { Reason, TimePoint } from './types';
import { prepareSeries } from './prepare-series';
import * as days from './days';
import * as interpolate from './interpolate';
import * as combined from './combined';
import { ErrorWindow, Forecasts, type Components } from './combined';

// Local bindings: this runs for every location of a situation, and a module namespace lookup per call adds up.
const { fromDay } = days;
const { interpolateAt } = interpolate;
const { zeros, components, DRIFT_POINTS, driftWidth, median3, medianAndSpreadSorted, sortSmall, Z90, LEVEL, MAX_ERRORS, MIN_ERRORS, MIN_POINTS, rangeAround } = combined;

export interface TrackStats {
  /** Past origins scored. */
  n: number;
  /** Mean absolute percentage error of the central, in percent (reports of 0 left out); null when none. */
  mape: number | null;
  /** Mean absolute error ÷ that of the naive last rate over the same origins (< 1: better than naive). */
  mase: number | null;
  /** Times the 80% range held the value reported later. */
  held: number;
  /** held / n. */
  coverage: number | null;
}

export interface TrackRecord extends TrackStats {
  horizonDays: number;
  baselines: { naive: TrackStats; drift8: TrackStats };
  reason: Reason | null;
}

/** One past origin: what the rule published then for `target`, and what was reported (interpolated) there. */
export interface PastProjection {
  /** The report the projection was made from. */
  date: string;
  /** origin + horizon. */
  target: string;
  low: number;
  central: number;
  high: number;
  actual: number;
  held: boolean;
  /** false: the fallback range (fewer than 8 past errors were known then). */
  empirical: boolean;
}

export interface PublishedRangePoint {
  date: string;
  low: number;
  central: number;
  high: number;
}

export interface PublishedProjection {
  method: 'combined';
  level: number;
  horizonDays: number;
  /** Per day from the last report (inclusive) to last report + horizon; null with `reason` when not possible. */
  points: PublishedRangePoint[] | null;
  /** The three forecasts at the horizon. */
  components: Components | null;
  /** true: the range at the horizon comes from ≥ 8 past errors; false: the drift-width fallback. */
  empirical: boolean;
  /** Past errors the range at the horizon was built from. */
  errorsUsed: number;
  trackRecord: TrackRecord;
  /** What the rule said at each past origin, oldest first (the track record's own points). */
  past: PastProjection[];
  reason: Reason | null;
}

export interface PublishedOptions {
  horizonDays: number;
  /** A running total: never projected below its last value. */
  cumulative?: boolean;
}

const emptyStats = (): TrackStats => ({ n: 0, mape: null, mase: null, held: 0, coverage: null });

type Kind = 0 | 1 | 2; // combined, naive, drift8

/**
 * The published projection: the one range that pages, CSV and the API publish, with its track record at the
 * same horizon and the projections it would have published at each past report ("what we said then").
 *
 *   central C = max(0, median(naive, drift8, damped4)) `h` days after the last report (combined.ts);
 *   80% range from the rule's own log errors e_i = ln(A_i / C_i) at the same horizon, over the 20 most recent
 *   earlier origins i (≥ 3 reports up to i, target t_i + h on or before the last report, A_i interpolated):
 *   with ≥ 8 errors [C·exp(m − 1.28155·s), C·exp(m + 1.28155·s)] with m the median and s = 1.4826·MAD,
 *   widened to at least w/2 on each side; with fewer, [min(forecasts, C) − w, max(forecasts, C) + w], where
 *   w = t(0.9, m − 1)·√(σ²·h·(1 + h/span)) is the drift width on the last 8 reports. Low ≥ 0; a running
 *   total's low and central ≥ its last report.
 *   Track record: at every origin i with at least 8 reports up to it (a full drift window) whose target is known, the central and range as the rule gave them then
 *   (from reports 0..i and the errors known by t_i), against the actual A_i: MAPE, MASE against the naive
 *   last rate, and how often the range held; the same for the naive and drift8 baselines (each with a range
 *   built the same way from its own errors), so a reader sees whether the rule beats "the last rate continued".
 *   The daily points before the horizon scale the horizon's error median by h/H and its spread by √(h/H); the
 *   range at the horizon, the one published, is exact.
 * Source: server/statistics/README.md "Published projection"; FPP3 §5.8 (MAPE, MASE) and §5.10 (rolling origin).
 *
 * @example publishedProjection(example series (days 0,2,4,7,9,12 → 48,500 … 520,000), { horizonDays: 7, cumulative: true })
 * // points.at(-1): { low: 661969.1, central: 795041.67, high: 940507.3 }; empirical: false (1 past error)
 */
export function publishedProjection(series: readonly TimePoint[], options: PublishedOptions): PublishedProjection {
  const H = options.horizonDays;
  if (!Number.isInteger(H) || H < 0) throw new RangeError(`publishedProjection requires a whole horizonDays ≥ 0, got ${H}`);
  const cumulative = options.cumulative ?? false;
  const { t, y, n, firstDay, dates } = prepareSeries(series);
  const base = { method: 'combined' as const, level: LEVEL, horizonDays: H };
  if (n < MIN_POINTS) {
    const reason: Reason = { code: 'too_few_points', needed: MIN_POINTS, got: n };
    return {
      ...base,
      points: null,
      components: null,
      empirical: false,
      errorsUsed: 0,
      trackRecord: { horizonDays: H, ...emptyStats(), baselines: { naive: emptyStats(), drift8: emptyStats() }, reason },
      past: [],
      reason,
    };
  }
  const scratch = zeros(MAX_ERRORS);
  const fc = new Forecasts(t, y, n);
  const floorAt = (i: number) => (cumulative ? Math.max(0, y[i]) : 0);
  const last = n - 1;

  // The past errors at the horizon: the 20 most recent origins whose target H days later is known.
  const errs = zeros(MAX_ERRORS);
  let count = 0;
  for (let j = last; j >= MIN_POINTS - 1 && count < MAX_ERRORS; j--) {
    if (t[j] + H > t[last]) continue;
    const Cj = fc.central(j, H, floorAt(j));
    const A = interpolateAt(t, y, t[j] + H);
    if (Cj > 0 && A > 0) errs[count++] = Math.log(A / Cj);
  }
  const empirical = count >= MIN_ERRORS;
  let spread: { m: number; s: number } | null = null;
  if (empirical) {
    sortSmall(errs, count);
    spread = medianAndSpreadSorted(errs, count);
  }
  // The daily curve to the horizon. At the horizon the range is exactly the rule's; on the days before it, the
  // horizon's error median is scaled by h/H and its spread by √(h/H) (how a random walk's bias and spread grow),
  // which keeps the chart's band continuous without refitting the errors for every day.
  const points: PublishedRangePoint[] = [];
  const floor = floorAt(last);
  for (let h = 0; h <= H; h++) {
    const nv = fc.naive(last, h);
    const dv = fc.drift8(last, h);
    const pv = fc.damped4(last, h);
    const C = Math.max(0, floor, median3(nv, dv, pv));
    const w = driftWidth(t, y, last, h);
    let low: number;
    let high: number;
    if (spread) {
      const f = H === 0 ? 0 : h / H;
      const z = Z90 * spread.s * Math.sqrt(f);
      low = Math.min(C * Math.exp(spread.m * f - z), C - w / 2);
      high = Math.max(C * Math.exp(spread.m * f + z), C + w / 2);
    } else {
      low = Math.min(nv, dv, pv, C) - w;
      high = Math.max(nv, dv, pv, C) + w;
    }
    points.push({ date: fromDay(firstDay + t[last] + h), low: Math.min(Math.max(low, floor, 0), C), central: C, high: Math.max(high, C) });
  }
  const comps = components(t, y, last, H);
  const errorsUsed = count;

  const { trackRecord, past } = track(t, y, n, dates, firstDay, H, floorAt, scratch, fc);
  return { ...base, points, components: comps, empirical, errorsUsed, trackRecord, past, reason: null };
}

/** Rolling origin at horizon H: every origin's central and range as they were published then, against what followed. */
function track(
  t: number[],
  y: number[],
  n: number,
  dates: string[],
  firstDay: number,
  H: number,
  floorAt: (i: number) => number,
  scratch: number[],
  fc: Forecasts,
): { trackRecord: TrackRecord; past: PastProjection[] } {
  const last = n - 1;
  const origins: number[] = [];
  for (let i = MIN_POINTS - 1; i < n && t[i] + H <= t[last]; i++) origins.push(i);
  // Scored from the 8th report on (a full drift window); earlier origins still give the range its errors.
  const firstScored = DRIFT_POINTS - 1;
  const stats = [emptyStats(), emptyStats(), emptyStats()];
  const past: PastProjection[] = [];
  if (!origins.some((i) => i >= firstScored)) {
    const reason: Reason = { code: 'no_track_record', horizonDays: H, neededReports: DRIFT_POINTS, reports: n };
    return { trackRecord: { horizonDays: H, ...stats[0], baselines: { naive: stats[1], drift8: stats[2] }, reason }, past };
  }
  const m = origins.length;
  const actual = zeros(m);
  const central = [zeros(m), zeros(m), zeros(m)];
  // Valid log errors per forecaster in origin order, with the origin position each belongs to.
  const errors = [zeros(m), zeros(m), zeros(m)];
  const errorAt = [zeros(m), zeros(m), zeros(m)];
  const errorCount = [0, 0, 0];
  // Lowest and highest of the three forecasts (the fallback range's ends).
  const lowest = zeros(m);
  const highest = zeros(m);
  for (let k = 0; k < m; k++) {
    const i = origins[k];
    const nv = fc.naive(i, H);
    const dv = fc.drift8(i, H);
    const pv = fc.damped4(i, H);
    lowest[k] = Math.min(nv, dv, pv);
    highest[k] = Math.max(nv, dv, pv);
    const A = interpolateAt(t, y, t[i] + H);
    actual[k] = A;
    const floor = floorAt(i);
    for (let kind: Kind = 0; kind < 3; kind = (kind + 1) as Kind) {
      const C = Math.max(0, floor, kind === 0 ? median3(nv, dv, pv) : kind === 1 ? nv : dv);
      central[kind][k] = C;
      if (C > 0 && A > 0) {
        errors[kind][errorCount[kind]] = Math.log(A / C);
        errorAt[kind][errorCount[kind]++] = k;
      }
    }
  }
  const sums = [0, 0, 0].map(() => ({ ape: 0, apeN: 0, ae: 0 }));
  let naiveAe = 0;
  // known[kind]: how many of that forecaster's errors had their target on or before the current origin; each
  // window holds the last MAX_ERRORS of them, sorted.
  const known = [0, 0, 0];
  const windows = [new ErrorWindow(), new ErrorWindow(), new ErrorWindow()];
  let p = 0; // origins[0..p) have targets known by the current origin
  for (let k = 0; k < m; k++) {
    const i = origins[k];
    while (p < m && t[origins[p]] + H <= t[i]) p++;
    for (let kind: Kind = 0; kind < 3; kind = (kind + 1) as Kind) {
      const e = errors[kind];
      while (known[kind] < errorCount[kind] && errorAt[kind][known[kind]] < p) {
        const leaving = known[kind] >= MAX_ERRORS ? e[known[kind] - MAX_ERRORS] : undefined;
        windows[kind].push(e[known[kind]], leaving);
        known[kind]++;
      }
    }
    if (i < firstScored) continue;
    const w = driftWidth(t, y, i, H);
    const A = actual[k];
    for (let kind: Kind = 0; kind < 3; kind = (kind + 1) as Kind) {
      const C = central[kind][k];
      const lo = kind === 0 ? lowest[k] : C;
      const hi = kind === 0 ? highest[k] : C;
      const win = windows[kind];
      const r = rangeAround(C, lo, hi, w, win.sorted, -1, win.size, scratch, floorAt(i));
      const held = A >= r.low && A <= r.high;
      const s = stats[kind];
      s.n++;
      if (held) s.held++;
      const err = Math.abs(A - C);
      sums[kind].ae += err;
      if (A !== 0) {
        sums[kind].ape += err / Math.abs(A);
        sums[kind].apeN++;
      }
      if (kind === 1) naiveAe += err;
      if (kind === 0) past.push({ date: dates[i], target: fromDay(firstDay + t[i] + H), low: r.low, central: C, high: r.high, actual: A, held, empirical: r.empirical });
    }
  }
  for (const kind of [0, 1, 2] as Kind[]) {
    const s = stats[kind];
    s.mape = sums[kind].apeN ? (sums[kind].ape / sums[kind].apeN) * 100 : null;
    s.mase = naiveAe > 0 ? sums[kind].ae / naiveAe : null;
    s.coverage = s.n ? s.held / s.n : null;
  }
  return { trackRecord: { horizonDays: H, ...stats[0], baselines: { naive: stats[1], drift8: stats[2] }, reason: null }, past };
}

export { MIN_ERRORS };
