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
 * Source: server/statistics/README.md "Published projection"; FPP3 §5.8 (MAPE, MASE) and §5.10 (rolling origin).
 *
 * @example publishedProjection(example series (days 0,2,4,7,9,12 → 48,500 … 520,000), { horizonDays: 7, cumulative: true })
 * // points.at(-1): { low: 661969.1, central: 795041.67, high: 940507.3 }; empirical: false (1 past error)
 */
import type { Reason, TimePoint } from './types';
import { prepareSeries } from './prepare-series';
import { fromDay } from './days';
import { interpolateAt } from './interpolate';
import { combinedCentral, components, DRIFT_POINTS, driftWidth, ErrorWindow, LEVEL, MAX_ERRORS, MIN_ERRORS, MIN_POINTS, rangeAround, type Components } from './combined';

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

function centralOf(kind: Kind, c: Components, floor: number): number {
  if (kind === 0) return combinedCentral(c, floor);
  return Math.max(0, floor, kind === 1 ? c.naive : c.drift8);
}

export function publishedProjection(series: readonly TimePoint[], options: PublishedOptions): PublishedProjection {
  const H = options.horizonDays;
  if (!Number.isInteger(H) || H < 0) throw new RangeError(`publishedProjection requires a whole horizonDays ≥ 0, got ${H}`);
  const cumulative = options.cumulative ?? false;
  const { t, y, n, firstDay } = prepareSeries(series);
  const base = { method: 'combined' as const, level: LEVEL, horizonDays: H };
  if (n < MIN_POINTS) {
    const reason: Reason = { code: 'too_few_points', needed: MIN_POINTS, got: n };
    return { ...base, points: null, components: null, empirical: false, errorsUsed: 0, trackRecord: { horizonDays: H, ...emptyStats(), baselines: { naive: emptyStats(), drift8: emptyStats() }, reason }, past: [], reason };
  }
  const scratch = new Float64Array(MAX_ERRORS);
  const floorAt = (i: number) => (cumulative ? Math.max(0, y[i]) : 0);
  const last = n - 1;

  // The daily curve: at each day h its own past errors (the 20 most recent origins whose target h days later is known).
  const errs = new Float64Array(MAX_ERRORS);
  const points: PublishedRangePoint[] = [];
  let empirical = false;
  let errorsUsed = 0;
  let comps: Components | null = null;
  let jTop = last;
  for (let h = 0; h <= H; h++) {
    const c = components(t, y, last, h);
    const C = combinedCentral(c, floorAt(last));
    while (jTop >= 0 && t[jTop] + h > t[last]) jTop--;
    let count = 0;
    for (let j = jTop; j >= MIN_POINTS - 1 && count < MAX_ERRORS; j--) {
      const Cj = combinedCentral(components(t, y, j, h), floorAt(j));
      const A = interpolateAt(t, y, t[j] + h);
      if (Cj > 0 && A > 0) errs[count++] = Math.log(A / Cj);
    }
    const w = driftWidth(t, y, last, h);
    const r = rangeAround(C, Math.min(c.naive, c.drift8, c.damped4), Math.max(c.naive, c.drift8, c.damped4), w, errs, 0, count, scratch, floorAt(last));
    points.push({ date: fromDay(firstDay + t[last] + h), low: r.low, central: C, high: r.high });
    if (h === H) {
      empirical = r.empirical;
      errorsUsed = count;
      comps = c;
    }
  }

  const { trackRecord, past } = track(t, y, n, firstDay, H, floorAt, scratch);
  return { ...base, points, components: comps, empirical, errorsUsed, trackRecord, past, reason: null };
}

/** Rolling origin at horizon H: every origin's central and range as they were published then, against what followed. */
function track(t: number[], y: number[], n: number, firstDay: number, H: number, floorAt: (i: number) => number, scratch: Float64Array): { trackRecord: TrackRecord; past: PastProjection[] } {
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
  const actual = new Float64Array(m);
  const central = [new Float64Array(m), new Float64Array(m), new Float64Array(m)];
  // Valid log errors per forecaster in origin order, with the origin position each belongs to.
  const errors = [new Float64Array(m), new Float64Array(m), new Float64Array(m)];
  const errorAt = [new Int32Array(m), new Int32Array(m), new Int32Array(m)];
  const errorCount = [0, 0, 0];
  const comps: Components[] = new Array(m);
  for (let k = 0; k < m; k++) {
    const i = origins[k];
    const c = components(t, y, i, H);
    comps[k] = c;
    const A = interpolateAt(t, y, t[i] + H);
    actual[k] = A;
    for (let kind: Kind = 0; kind < 3; kind = (kind + 1) as Kind) {
      const C = centralOf(kind, c, floorAt(i));
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
    const c = comps[k];
    const w = driftWidth(t, y, i, H);
    const A = actual[k];
    for (let kind: Kind = 0; kind < 3; kind = (kind + 1) as Kind) {
      const C = central[kind][k];
      const lo = kind === 0 ? Math.min(c.naive, c.drift8, c.damped4) : C;
      const hi = kind === 0 ? Math.max(c.naive, c.drift8, c.damped4) : C;
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
      if (kind === 0) past.push({ date: fromDay(firstDay + t[i]), target: fromDay(firstDay + t[i] + H), low: r.low, central: C, high: r.high, actual: A, held, empirical: r.empirical });
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
