import type { Reason, TimePoint } from './types';
import { prepareSeries } from './prepare-series';
import * as days from './days';
import * as combined from './combined';
import { DriftWidth, ErrorWindow, Forecasts, type Components } from './combined';

// Local bindings: this runs for every location of a situation, and a module namespace lookup per call adds up.
const { fromDay } = days;
const { zeros, components, DRIFT_POINTS, driftWidth, median3, medianAndSpreadSelect, medianAndSpreadSorted, sortSmall, Z90, LEVEL, MAX_ERRORS, MIN_ERRORS, MIN_POINTS } = combined;

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

/** Errors become known between two looks at a window beyond which sorting the window afresh is cheaper than inserting them. */
const REFILL = 6;

const emptyStats = (): TrackStats => ({ n: 0, mape: null, mase: null, held: 0, coverage: null });

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
 * // points.at(-1): { date: '2024-12-17', low: 661959.6, central: 795041.67, high: 940516.8 }; empirical: false (1 past error)
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
  const fc = new Forecasts(t, y);
  const last = n - 1;
  const floor = cumulative ? Math.max(0, y[last]) : 0;
  const o = rollingOrigin(t, y, n, H, cumulative, fc);
  fc.from(last);

  // The past errors at the horizon: those of the 20 most recent origins whose target H days later is known
  // (each origin's error is the same whether it is scored or feeds the range, so the rolling origin's are reused).
  const combinedErrors = o.scorers[0];
  const count = Math.min(MAX_ERRORS, combinedErrors.errorCount);
  const errs = zeros(MAX_ERRORS);
  for (let k = 0; k < count; k++) errs[k] = combinedErrors.errors[combinedErrors.errorCount - count + k];
  const empirical = count >= MIN_ERRORS;
  let spread: { m: number; s: number } | null = null;
  if (empirical) {
    sortSmall(errs, count);
    spread = medianAndSpreadSorted(errs, count);
  }
  // The daily curve to the horizon. At the horizon the range is exactly the rule's; on the days before it, the
  // horizon's error median is scaled by h/H and its spread by √(h/H) (how a random walk's bias and spread grow),
  // which keeps the chart's band continuous without refitting the errors for every day.
  const points: PublishedRangePoint[] = new Array(H + 1);
  const dw = new DriftWidth(t, y, last);
  const lastDay = firstDay + t[last];
  for (let h = 0; h <= H; h++) {
    const nv = fc.naive(h);
    const dv = fc.drift8(h);
    // The fallback range needs all three; an empirical one only their median.
    const known = spread ? fc.medianWithoutDamped(nv, dv) : NaN;
    const pv = Number.isNaN(known) ? fc.damped4(h) : NaN;
    const C = Math.max(0, floor, Number.isNaN(known) ? median3(nv, dv, pv) : known);
    const w = dw.at(h);
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
    points[h] = { date: fromDay(lastDay + h), low: Math.min(Math.max(low, floor, 0), C), central: C, high: Math.max(high, C) };
  }
  const comps = components(t, y, last, H);

  const { trackRecord, past } = track(o, fc, t, y, dates, firstDay, H, cumulative);
  // Spelled out rather than spread from `base`: a spread into a literal with more keys takes V8's slow path.
  return { method: 'combined', level: LEVEL, horizonDays: H, points, components: comps, empirical, errorsUsed: count, trackRecord, past, reason: null };
}

/**
 * One forecaster (the combined rule, naive or drift8) over the rolling origin: its central at every origin, its
 * valid log errors in origin order, the sorted window of the most recent ones known so far, and its scores.
 * `range` leaves the range in `low`/`high` rather than returning an object: it runs three times per origin.
 */
class Scorer {
  central = new Float64Array(0);
  errors = new Float64Array(0);
  /** The origin position each error belongs to. */
  errorAt = new Float64Array(0);
  errorCount = 0;
  /** Errors known at the current origin (the window is the last MAX_ERRORS of them)… */
  private known = 0;
  /** …and those the sorted window holds so far: it is brought up to date only when its median is asked for. */
  private inWindow = 0;
  /** An error that sorting might place apart from the one-by-one insertion (NaN, −0): then only insertion is used. */
  private odd = false;
  private readonly window = new ErrorWindow();
  /** Median and MAD-σ of the current window (valid while `fresh`), and exp(m ∓ 1.28155·s) once asked for (else NaN). */
  private m = 0;
  private s = 0;
  private down = NaN;
  private up = NaN;
  private fresh = false;
  low = 0;
  high = 0;
  empirical = false;
  stats: TrackStats = emptyStats();
  ae = 0;
  private ape = 0;
  private apeN = 0;

  /** Ready for a series of m origins: the buffers are kept from call to call and grown only when too short. */
  reset(m: number): this {
    if (this.central.length < m) {
      const size = Math.max(m, 2 * this.central.length);
      this.central = new Float64Array(size);
      this.errors = new Float64Array(size);
      this.errorAt = new Float64Array(size);
    }
    this.errorCount = 0;
    this.known = 0;
    this.inWindow = 0;
    this.odd = false;
    this.window.size = 0;
    this.fresh = false;
    this.low = 0;
    this.high = 0;
    this.empirical = false;
    this.stats = emptyStats();
    this.ae = 0;
    this.ape = 0;
    this.apeN = 0;
    return this;
  }

  /** Origin k's central C; its log error e = ln(A / C) when the actual A and C are both positive. */
  add(k: number, C: number, scored: boolean, e: number) {
    this.central[k] = C;
    if (scored) {
      if (e !== e || (e === 0 && 1 / e < 0)) this.odd = true;
      this.errors[this.errorCount] = e;
      this.errorAt[this.errorCount++] = k;
    }
  }

  /** The errors of origins before position p are known now. */
  learn(p: number) {
    const before = this.known;
    while (this.known < this.errorCount && this.errorAt[this.known] < p) this.known++;
    if (this.known !== before) this.fresh = false;
  }

  /** Errors in the window now: the last MAX_ERRORS known. */
  private size(): number {
    return this.known < MAX_ERRORS ? this.known : MAX_ERRORS;
  }

  /**
   * The sorted window of the errors known now. The baselines' ranges need it only at some origins (where the
   * range decides whether it held), so the errors that became known in between are inserted one by one when
   * few, or the window is sorted afresh from the last MAX_ERRORS when many: the same sorted values either way.
   */
  private sync() {
    const e = this.errors;
    const w = this.window;
    if (this.known - this.inWindow >= REFILL && !this.odd) {
      w.fill(e, this.known - this.size(), this.known);
    } else {
      for (let j = this.inWindow; j < this.known; j++) {
        if (j >= MAX_ERRORS) w.replace(e[j - MAX_ERRORS], e[j]);
        else w.add(e[j]);
      }
    }
    this.inWindow = this.known;
  }

  /** m and s of the current window (the median and MAD-σ of its errors); worked out once per window. */
  private spread() {
    if (!this.fresh) {
      this.sync();
      const w = this.window;
      const { m, s } = this.odd ? medianAndSpreadSorted(w.sorted, w.size) : medianAndSpreadSelect(w.sorted, w.size);
      this.m = m;
      this.s = s;
      this.down = NaN;
      this.up = NaN;
      this.fresh = true;
    }
  }

  /** exp(m − 1.28155·s): the range's lower end ÷ C, before widening and clamps. */
  private downFactor(): number {
    this.spread();
    if (Number.isNaN(this.down)) this.down = Math.exp(this.m - Z90 * this.s);
    return this.down;
  }

  /** exp(m + 1.28155·s). */
  private upFactor(): number {
    this.spread();
    if (Number.isNaN(this.up)) this.up = Math.exp(this.m + Z90 * this.s);
    return this.up;
  }

  /** Whether the range is empirical now (at least MIN_ERRORS errors known). */
  isEmpirical(): boolean {
    return this.size() >= MIN_ERRORS;
  }

  /**
   * The 80% range around C from the errors known now, in `low` and `high`: with ≥ MIN_ERRORS of them
   * [C·exp(m − 1.28155·s), C·exp(m + 1.28155·s)] widened to at least half the drift width each side, else
   * [min(lowest, C) − w, max(highest, C) + w]; then low ≥ floor (0, or a running total's last value), low ≤ C ≤ high.
   */
  range(C: number, lowest: number, highest: number, width: number, floor: number) {
    let low: number;
    let high: number;
    this.empirical = this.size() >= MIN_ERRORS;
    if (this.empirical) {
      low = Math.min(C * this.downFactor(), C - width / 2);
      high = Math.max(C * this.upFactor(), C + width / 2);
    } else {
      low = Math.min(lowest, C) - width;
      high = Math.max(highest, C) + width;
    }
    this.low = Math.min(Math.max(low, floor, 0), C);
    this.high = Math.max(high, C);
  }

  /**
   * Whether the range around C (lowest = highest = C) holds A, exactly as `range` would say, with the min/max of
   * `range` taken apart into comparisons: A ≥ low ⟺ A ≥ C or (A ≥ floor, A ≥ 0 and (A ≥ C − w/2 or A ≥ C·exp(m − zs)));
   * A ≤ high ⟺ A ≤ C, A ≤ C + w/2 or A ≤ C·exp(m + zs). An exponential is worked out only when it decides.
   */
  holds(C: number, width: number, floor: number, A: number): boolean {
    if (this.size() < MIN_ERRORS) {
      this.range(C, C, C, width, floor);
      return A >= this.low && A <= this.high;
    }
    const lowHolds = A >= C || (A >= floor && A >= 0 && (A >= C - width / 2 || A >= C * this.downFactor()));
    return lowHolds && (A <= C || A <= C + width / 2 || A <= C * this.upFactor());
  }

  /** Scores origin k's central against the actual A, with `held` whether its range held A. */
  score(k: number, A: number, held: boolean) {
    const C = this.central[k];
    const s = this.stats;
    s.n++;
    if (held) s.held++;
    const err = Math.abs(A - C);
    this.ae += err;
    if (A !== 0) {
      this.ape += err / Math.abs(A);
      this.apeN++;
    }
  }

  finish(naiveAe: number): TrackStats {
    const s = this.stats;
    s.mape = this.apeN ? (this.ape / this.apeN) * 100 : null;
    s.mase = naiveAe > 0 ? this.ae / naiveAe : null;
    s.coverage = s.n ? s.held / s.n : null;
    return s;
  }
}

/** The rolling origin at horizon H: origins 2 … (the last whose target is known), each forecaster's centrals and errors. */
interface RollingOrigin {
  /** Origins are reports first .. first + m − 1. */
  first: number;
  m: number;
  actual: Float64Array;
  /** Lowest and highest of the three forecasts (the fallback range's ends); NaN where not worked out yet. */
  lowest: Float64Array;
  highest: Float64Array;
  /** combined, naive, drift8. */
  scorers: [Scorer, Scorer, Scorer];
}

function rollingOrigin(t: number[], y: number[], n: number, H: number, cumulative: boolean, fc: Forecasts): RollingOrigin {
  const last = n - 1;
  const first = MIN_POINTS - 1;
  let m = 0;
  while (first + m < n && t[first + m] + H <= t[last]) m++;
  if (ORIGIN.actual.length < m) {
    const size = Math.max(m, 2 * ORIGIN.actual.length);
    ORIGIN.actual = new Float64Array(size);
    ORIGIN.lowest = new Float64Array(size);
    ORIGIN.highest = new Float64Array(size);
  }
  const { actual, lowest, highest, scorers } = ORIGIN;
  ORIGIN.first = first;
  ORIGIN.m = m;
  for (const s of scorers) s.reset(m);
  const [combinedS, naiveS, driftS] = scorers;
  // Targets t_i + H grow with i, so the interpolation's segment only moves forward (numpy.interp's arithmetic).
  let seg = 0;
  for (let k = 0; k < m; k++) {
    const i = first + k;
    fc.from(i);
    const nv = fc.naive(H);
    const dv = fc.drift8(H);
    // Without the damped trend when the median is known anyway; the fallback range's ends are then left NaN
    // for `track` to work out in the few origins that use them.
    const known = fc.medianWithoutDamped(nv, dv);
    const pv = Number.isNaN(known) ? fc.damped4(H) : NaN;
    lowest[k] = Math.min(nv, dv, pv);
    highest[k] = Math.max(nv, dv, pv);
    const day = t[i] + H;
    let A: number;
    if (day <= t[0]) A = y[0];
    else if (day >= t[last]) A = y[last];
    else {
      while (t[seg + 1] <= day) seg++;
      A = y[seg] + ((day - t[seg]) / (t[seg + 1] - t[seg])) * (y[seg + 1] - y[seg]);
    }
    actual[k] = A;
    const floor = cumulative ? Math.max(0, y[i]) : 0;
    const nC = Math.max(0, floor, nv);
    const dC = Math.max(0, floor, dv);
    const cC = Math.max(0, floor, Number.isNaN(known) ? median3(nv, dv, pv) : known);
    // The combined central is a median of the three, so it is mostly the naive or the drift central itself: the
    // same ln(A / C) is then reused rather than worked out again (same operands, same bits).
    const nOk = nC > 0 && A > 0;
    const dOk = dC > 0 && A > 0;
    const cOk = cC > 0 && A > 0;
    const ne = nOk ? Math.log(A / nC) : 0;
    const de = dOk ? (dC === nC ? ne : Math.log(A / dC)) : 0;
    const ce = cOk ? (cC === nC ? ne : cC === dC ? de : Math.log(A / cC)) : 0;
    combinedS.add(k, cC, cOk, ce);
    naiveS.add(k, nC, nOk, ne);
    driftS.add(k, dC, dOk, de);
  }
  return ORIGIN;
}

// One rolling origin's working arrays, reused by every call (a call runs to its end before the next begins, and
// nothing of them is returned): a situation projects every location in turn, and fresh arrays each time add up.
const ORIGIN: RollingOrigin = {
  first: 0,
  m: 0,
  actual: new Float64Array(0),
  lowest: new Float64Array(0),
  highest: new Float64Array(0),
  scorers: [new Scorer(), new Scorer(), new Scorer()],
};

/** Scores every origin with at least 8 reports: its central and range as they were published then, against what followed. */
function track(
  o: RollingOrigin,
  fc: Forecasts,
  t: number[],
  y: number[],
  dates: string[],
  firstDay: number,
  H: number,
  cumulative: boolean,
): { trackRecord: TrackRecord; past: PastProjection[] } {
  const n = t.length;
  const { first, m, actual, lowest, highest, scorers } = o;
  const [combinedS, naiveS, driftS] = scorers;
  // Scored from the 8th report on (a full drift window); earlier origins still give the range its errors.
  const firstScored = DRIFT_POINTS - 1;
  const past: PastProjection[] = [];
  if (first + m - 1 < firstScored) {
    const reason: Reason = { code: 'no_track_record', horizonDays: H, neededReports: DRIFT_POINTS, reports: n };
    return { trackRecord: { horizonDays: H, ...emptyStats(), baselines: { naive: emptyStats(), drift8: emptyStats() }, reason }, past };
  }
  let p = 0; // origins[0..p) have targets known by the current origin
  for (let k = 0; k < m; k++) {
    const i = first + k;
    while (p < m && t[first + p] + H <= t[i]) p++;
    combinedS.learn(p);
    naiveS.learn(p);
    driftS.learn(p);
    if (i < firstScored) continue;
    const w = driftWidth(t, y, i, H);
    const A = actual[k];
    const floor = cumulative ? Math.max(0, y[i]) : 0;
    const C = combinedS.central[k];
    if (!combinedS.isEmpirical() && Number.isNaN(lowest[k])) {
      fc.from(i);
      const nv = fc.naive(H);
      const dv = fc.drift8(H);
      const pv = fc.damped4(H);
      lowest[k] = Math.min(nv, dv, pv);
      highest[k] = Math.max(nv, dv, pv);
    }
    combinedS.range(C, lowest[k], highest[k], w, floor);
    const held = A >= combinedS.low && A <= combinedS.high;
    combinedS.score(k, A, held);
    past.push({ date: dates[i], target: fromDay(firstDay + t[i] + H), low: combinedS.low, central: C, high: combinedS.high, actual: A, held, empirical: combinedS.empirical });
    naiveS.score(k, A, naiveS.holds(naiveS.central[k], w, floor, A));
    driftS.score(k, A, driftS.holds(driftS.central[k], w, floor, A));
  }
  const naiveAe = naiveS.ae;
  const stats = combinedS.finish(naiveAe);
  const baselines = { naive: naiveS.finish(naiveAe), drift8: driftS.finish(naiveAe) };
  const trackRecord: TrackRecord = { horizonDays: H, n: stats.n, mape: stats.mape, mase: stats.mase, held: stats.held, coverage: stats.coverage, baselines, reason: null };
  return { trackRecord, past };
}

export { MIN_ERRORS };
