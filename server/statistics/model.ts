/**
 * The machinery every projection method shares: a fitted model forecasts `h` days after its
 * last point; `runProjection` turns that into one clamped point per day up to the horizon.
 * Clamping rules (docs/statistics.md): nothing below 0; a running total never below its last observed
 * value; loglinear and logistic never above the ceiling. Clamping is monotone, so
 * lo95 ≤ lo80 ≤ central ≤ hi80 ≤ hi95 survives it.
 * Source: the rules in docs/statistics.md.
 *
 * @example runProjection(LINEAR, [{ date: '2024-11-28', value: 14000 }, …], { horizonDays: 7 }, fitLinear)
 */
import type { Forecast, MethodKey, Reason, ProjectionOptions, ProjectionResult, TimePoint } from './types';
import { prepareSeries } from './prepare-series';
import { fromDay } from './days';

export interface FitContext {
  ceiling: number | null;
}

export interface FittedModel {
  /** Forecast `h` whole days after the last fitted point (h ≥ 0), before clamping. */
  forecast(h: number): Forecast;
  parameters: Record<string, number>;
  /** Longest horizon the method may run (loglinear without a ceiling: 14 days); null = unlimited. */
  maxHorizon: number | null;
  /** Cap at the ceiling (loglinear, logistic). */
  capAtCeiling: boolean;
}

export type FitResult = { model: FittedModel; reason: null } | { model: null; reason: Reason };

/** Fits on the first `n` points of t (days, strictly increasing) and y. */
export type Fitter = (t: readonly number[], y: readonly number[], n: number, ctx: FitContext) => FitResult;

export interface MethodInfo {
  method: MethodKey;
  name: string;
  describe(ctx: FitContext): string;
}

export const DEFAULT_HORIZON_DAYS = 30;

export function fail(reason: Reason): FitResult {
  return { model: null, reason };
}

const FIELDS = ['central', 'lo80', 'hi80', 'lo95', 'hi95'] as const;

/** Clamps a forecast into [floor, cap]; returns null if any number is not finite. */
export function clampForecast(f: Forecast, floor: number, cap: number): Forecast | null {
  const out = { central: 0, lo80: 0, hi80: 0, lo95: 0, hi95: 0 };
  for (const k of FIELDS) {
    const v = f[k];
    if (!Number.isFinite(v)) return null;
    out[k] = Math.min(Math.max(v, floor), cap);
  }
  return out;
}

/** Floor and cap for a series whose last value is `last`. */
export function limits(model: FittedModel, last: number, cumulative: boolean, ceiling: number | null): { floor: number; cap: number } {
  const floor = Math.max(0, cumulative ? last : 0);
  const cap = model.capAtCeiling && ceiling !== null ? Math.max(ceiling, floor) : Number.POSITIVE_INFINITY;
  return { floor, cap };
}

export function checkOptions(options: ProjectionOptions): { horizonDays: number; cumulative: boolean; ceiling: number | null } {
  const horizonDays = options.horizonDays ?? DEFAULT_HORIZON_DAYS;
  if (!Number.isInteger(horizonDays) || horizonDays < 0) throw new RangeError(`horizonDays must be a whole number ≥ 0, got ${horizonDays}`);
  const ceiling = options.ceiling ?? null;
  if (ceiling !== null && !(Number.isFinite(ceiling) && ceiling > 0)) throw new RangeError(`ceiling must be a positive number, got ${ceiling}`);
  return { horizonDays, cumulative: options.cumulative ?? false, ceiling };
}

export function runProjection(info: MethodInfo, points: readonly TimePoint[], options: ProjectionOptions, fit: Fitter): ProjectionResult {
  const { horizonDays, cumulative, ceiling } = checkOptions(options);
  const ctx: FitContext = { ceiling };
  const base = { method: info.method, name: info.name, description: info.describe(ctx) };
  const s = prepareSeries(points);
  if (s.n === 0) return { ...base, points: null, reason: { code: 'no_points' }, parameters: null };
  const r = fit(s.t, s.y, s.n, ctx);
  if (r.model === null) return { ...base, points: null, reason: r.reason, parameters: null };
  const model = r.model;
  const last = s.y[s.n - 1];
  const { floor, cap } = limits(model, last, cumulative, ceiling);
  const H = Math.min(horizonDays, model.maxHorizon ?? horizonDays);
  const lastDay = s.firstDay + s.t[s.n - 1];
  const out: ProjectionResult['points'] = [];
  for (let h = 0; h <= H; h++) {
    const f = clampForecast(model.forecast(h), floor, cap);
    if (f === null) return { ...base, points: null, reason: { code: 'too_fast' }, parameters: model.parameters };
    out.push({ date: fromDay(lastDay + h), ...f });
  }
  return { ...base, points: out, reason: null, parameters: model.parameters };
}
