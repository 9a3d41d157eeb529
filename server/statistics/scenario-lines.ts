import type { Reason, ScenarioLike, TimePoint } from './types';
import { prepareSeries } from './prepare-series';
import { fromDay } from './days';
import { olsFit } from './ols';
import { DRIFT_POINTS } from './combined';
import { LOGLINEAR_MAX_DAYS_WITHOUT_CEILING } from './loglinear-projection';

export interface ThresholdDate {
  threshold: number;
  /** First day on or above the threshold; null when not within the line's days. */
  date: string | null;
}

export interface ScenarioLine {
  kind: ScenarioLike['kind'] | 'loglinear' | 'logistic';
  /** What to call it, as a catalogue code with parameters (`scenario.<code>`). */
  label: Reason;
  organisation?: string;
  scenarioId?: number;
  quote?: string;
  horizonDate?: string | null;
  /** Quoted scenarios: the value. */
  value?: number;
  /** Curves: one point per day from the last report. */
  points?: { date: string; value: number }[];
  /** Curves: when the curve reaches each threshold. Quoted scenarios: when the published central reaches the value. */
  timeToThreshold: ThresholdDate[];
}

export interface ScenarioLinesInput {
  points: readonly TimePoint[];
  scenarios: readonly ScenarioLike[];
  ceiling: number | null;
  horizonDays: number;
  /** The published range's points (for the day its central reaches a quoted value). */
  range: readonly { date: string; central: number }[] | null;
  thresholds: readonly number[];
}

const firstAt = (pts: readonly { date: string; value: number }[], v: number) => pts.find((p) => p.value >= v)?.date ?? null;

/**
 * Scenarios drawn and listed beside the published projection, never inside its range:
 * - each quoted agency scenario (a ceiling, planning figure or expected value) as a flat value, with the first
 *   day the published central and high reach it;
 * - "if growth continues": exponential growth at the log-linear rate of the last 8 reports, started at the last
 *   report, at most 14 days ahead without a ceiling and capped at the ceiling with one;
 * - "S-curve to the ceiling": logistic growth to a quoted ceiling K at the logit rate of the last 8 reports,
 *   started at the last report.
 * Both curves start exactly at the last report (a curve fitted to the whole history can start far above it
 * after a jump) and are shown only while the series grows. Each curve has its time to every threshold.
 * Source: log-linear and logistic growth as in the alternative methods (loglinear-projection.ts,
 * logistic-projection.ts), anchored at the last observation.
 *
 * @example scenarioLines({ points: syria (OCHA, as of 2024-12-06), scenarios: [wfpCeiling], ceiling: 1_500_000, horizonDays: 6, range, thresholds: [1_000_000, 1_500_000] })
 * // [{ kind: 'ceiling', organisation: 'WFP', value: 1500000, … }, { kind: 'loglinear', points: [{ date, value }, …], timeToThreshold: [{ threshold: 1000000, date: '2024-12-09' }, …] }, …]
 */
export function scenarioLines(input: ScenarioLinesInput): ScenarioLine[] {
  const out: ScenarioLine[] = [];
  const central = (input.range ?? []).map((p) => ({ date: p.date, value: p.central }));
  for (const s of input.scenarios) {
    out.push({
      kind: s.kind,
      label: { code: 'quoted', organisation: s.organisation, kind: s.kind, value: s.value },
      organisation: s.organisation,
      scenarioId: s.id,
      quote: s.quote,
      horizonDate: s.horizonDate,
      value: s.value,
      timeToThreshold: [{ threshold: s.value, date: firstAt(central, s.value) }],
    });
  }
  const { t, y, n, firstDay } = prepareSeries(input.points);
  if (n < 3) return out;
  const f = Math.max(0, n - DRIFT_POINTS);
  const last = y[n - 1];
  const lastDay = firstDay + t[n - 1];
  const K = input.ceiling;
  const tt: number[] = [];
  for (let i = f; i < n; i++) tt.push(t[i]);
  const curve = (days: number, at: (h: number) => number) => {
    const pts: { date: string; value: number }[] = [];
    for (let h = 0; h <= days; h++) pts.push({ date: fromDay(lastDay + h), value: at(h) });
    return pts;
  };
  const thresholds = (pts: { date: string; value: number }[]) => input.thresholds.filter((v) => v > last).map((v) => ({ threshold: v, date: firstAt(pts, v) }));

  if (y.slice(f).every((v) => v > 0) && (K === null || last < K)) {
    const r = olsFit(tt, y.slice(f).map(Math.log), n - f).slope;
    if (r > 0 && Number.isFinite(r)) {
      const days = K === null ? Math.min(input.horizonDays, LOGLINEAR_MAX_DAYS_WITHOUT_CEILING) : input.horizonDays;
      const pts = curve(days, (h) => Math.min(last * Math.exp(r * h), K ?? Number.POSITIVE_INFINITY));
      if (pts.every((p) => Number.isFinite(p.value))) {
        // Held at the ceiling once it gets there: the label says so, or the value at the horizon would read as the growth's.
        const cappedAt = K !== null && pts.some((p) => p.value >= K) ? K : null;
        out.push({ kind: 'loglinear', label: { code: 'loglinear', doublingDays: Math.LN2 / r, days, cappedAt }, points: pts, timeToThreshold: thresholds(pts) });
      }
    }
  }
  if (K !== null && last > 0 && last < K && y.slice(f).every((v) => v > 0 && v < K)) {
    const r = olsFit(
      tt,
      y.slice(f).map((v) => Math.log(v / (K - v))),
      n - f,
    ).slope;
    if (r > 0 && Number.isFinite(r)) {
      const z0 = Math.log(last / (K - last));
      const pts = curve(input.horizonDays, (h) => (h === 0 ? last : K / (1 + Math.exp(-(z0 + r * h)))));
      out.push({ kind: 'logistic', label: { code: 'logistic', ceiling: K }, points: pts, timeToThreshold: thresholds(pts) });
    }
  }
  return out;
}
