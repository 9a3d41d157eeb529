import { isFlow, type Category, type LocationRole } from '../figures/figure';
import type { FigureLike, LocationLike, MethodKey, ProjectionResult, Reason, ReconciledSeries, ScenarioLike, TimePoint } from './types';
import { METHOD_KEYS } from './types';
import { toDay, fromDay } from './days';
import { rollUp, DEFAULT_STALENESS_DAYS } from './roll-up';
import { trend, type TrendResult } from './trend';
import { DEFAULT_HORIZON_DAYS, runProjection } from './model';
import { FITTERS, METHOD_INFO } from './fitters';
import { backtest, type BacktestResult } from './backtest';
import { publishedProjection, type PastProjection, type PublishedProjection } from './published-projection';
import { scenarioLines, type ScenarioLine } from './scenario-lines';
import { timeToThreshold, type ThresholdCrossing } from './time-to-threshold';
import { defaultThresholds, type ThresholdSpec } from './default-thresholds';

/** Longest daily curve, in days after the last report: a bound on the points any request can make analyse() build. */
export const MAX_CURVE_DAYS = 1100;

export interface AnalyseInput {
  figures: readonly FigureLike[];
  scenarios: readonly ScenarioLike[];
  locations: readonly LocationLike[];
  /** Situation onset, YYYY-MM-DD. */
  onset: string;
  /** Location code. */
  location: string;
  category: Category;
  /** Only figures with this location role; omitted: any role (roll-ups never add origin to destination). */
  locationRole?: LocationRole;
  /** Days after asOf (or the last report) to project; default 30. */
  horizonDays?: number;
  /** YYYY-MM-DD: analyse as if on this date. */
  asOf?: string;
  /** Child values older than this are not summed into a parent; default 14. */
  stalenessDays?: number;
  /** Thresholds for time-to-threshold; default: three round numbers above the last value. The ceiling is always added. */
  thresholds?: number[];
}

export interface CeilingInfo {
  value: number;
  scenarioId: number;
  organisation: string;
  quote: string;
  horizonDate: string | null;
}

/** The published projection as the API returns it (its past projections are in `backtest.past`). */
export type PublishedRange = Omit<PublishedProjection, 'past'> & {
  /** In words: where the central or the high end passes a quoted ceiling. */
  notes: Reason[];
};

export interface AnalyseResult {
  /** The settings actually used. */
  input: {
    location: string;
    category: Category;
    locationRole: LocationRole | null;
    onset: string;
    asOf: string | null;
    horizonDays: number;
    /** Last date projected; null without reports. */
    horizonEnd: string | null;
    stalenessDays: number;
    /** Running total (flow category): projections never go below the last reported value. */
    cumulative: boolean;
  };
  series: ReconciledSeries;
  trend: TrendResult;
  projections: {
    /** The one projection pages, CSV and sitreps publish: the combined rule with its track record at this horizon. */
    range: PublishedRange;
    /** Quoted agency scenarios and the accelerating curves, beside the range, never inside it. */
    scenarios: ScenarioLine[];
    thresholds: ThresholdCrossing[];
    /** The alternative methods, for analysts. */
    methods: Record<MethodKey, ProjectionResult>;
    /** Track record at the same horizon: the published rule's past projections, and every method's scores. */
    backtest: BacktestResult & { past: PastProjection[] };
    ceiling: CeilingInfo | null;
  };
}

/**
 * The one entry point the API calls: reconciled (and rolled-up) series, trend, the published projection with
 * its horizon-matched track record, scenario lines, time to thresholds, and every alternative method with its
 * track record at the same horizon, for one location × category.
 * Pure and cache-free (the API layer caches). Everything returned is JSON-serialisable, dates are ISO
 * strings, and every number is finite; what the data cannot support is null with a `reason` code.
 * - `asOf`: only figures whose periodEnd AND publishedOn are on or before it, and scenarios published on
 *   or before it (scenarios without publishedOn are kept).
 * - Horizon: every curve runs per day from the last report (as of `asOf`) to last report + horizonDays, so the
 *   work is bounded by the horizon whatever `asOf` is.
 * - Ceiling: the `ceiling` scenario for this location and category (latest published, then highest value,
 *   then highest id; a warning if several disagree). It caps loglinear and is K for logistic; it is never an
 *   observation and never part of the published range; when the range passes it, `range.notes` says so.
 * - Running totals (flow categories) never project below their last reported value.
 * - Thresholds: `thresholds` if given, else `defaultThresholds` (three 1–2–5 round numbers above the last
 *   value); the ceiling is always added.
 * Source: server/statistics/README.md.
 *
 * @example analyse({ figures, scenarios, locations, onset: '2024-11-27', location: 'SYR', category: 'new_displacement', asOf: '2024-12-06', horizonDays: 6 })
 * // { series: { points, band, warnings }, trend, projections: { range, scenarios, thresholds, methods, backtest, ceiling } }
 */
export function analyse(input: AnalyseInput): AnalyseResult {
  // Issue 10: the daily curves never run more than MAX_CURVE_DAYS, whatever a caller asks (the API allows 365).
  const horizonDays = Math.min(input.horizonDays ?? DEFAULT_HORIZON_DAYS, MAX_CURVE_DAYS);
  const stalenessDays = input.stalenessDays ?? DEFAULT_STALENESS_DAYS;
  if (!Number.isInteger(horizonDays) || horizonDays < 0) throw new RangeError(`horizonDays must be a whole number ≥ 0, got ${horizonDays}`);
  toDay(input.onset);
  const asOfDay = input.asOf !== undefined ? toDay(input.asOf) : null;
  const cumulative = isFlow(input.category);

  const figures = asOfDay === null ? input.figures : input.figures.filter((f) => toDay(f.periodEnd) <= asOfDay && toDay(f.publishedOn) <= asOfDay);
  const series = rollUp({
    figures,
    locations: input.locations,
    location: input.location,
    category: input.category,
    onset: input.onset,
    locationRole: input.locationRole,
    stalenessDays,
  });
  const warnings = [...series.warnings];

  const scenarios = input.scenarios
    .filter((s) => s.location === input.location && s.category === input.category)
    .filter((s) => asOfDay === null || !s.publishedOn || toDay(s.publishedOn) <= asOfDay)
    .sort((a, b) => a.id - b.id);
  const ceilings = scenarios
    .filter((s) => s.kind === 'ceiling' && Number.isFinite(s.value) && s.value > 0)
    .sort((a, b) => (b.publishedOn ?? '').localeCompare(a.publishedOn ?? '') || b.value - a.value || b.id - a.id);
  const c = ceilings[0];
  const ceiling: CeilingInfo | null = c ? { value: c.value, scenarioId: c.id, organisation: c.organisation, quote: c.quote, horizonDate: c.horizonDate } : null;
  if (new Set(ceilings.map((s) => s.value)).size > 1) {
    warnings.push({ code: 'several_ceilings', ceilings: ceilings.map((s) => `${s.organisation} ${s.value}`).join('; '), organisation: c.organisation, value: c.value });
  }

  const points: TimePoint[] = series.points.map((p) => ({ date: p.date, value: p.value }));
  const lastDay = points.length ? toDay(points[points.length - 1].date) : null;
  const endDay = lastDay === null ? null : lastDay + horizonDays;
  const options = { horizonDays, cumulative, ceiling: ceiling?.value ?? null };

  const methods = {} as Record<MethodKey, ProjectionResult>;
  for (const m of METHOD_KEYS) methods[m] = runProjection(METHOD_INFO[m], points, options, FITTERS[m]);
  const { past, ...published } = publishedProjection(points, { horizonDays, cumulative });
  const range: PublishedRange = { ...published, notes: ceiling ? ceilingNotes(published, ceiling) : [] };
  const bt = backtest({ points, horizonDays, ceiling: options.ceiling, cumulative });
  const last = points.length ? points[points.length - 1].value : 0;
  const specs: ThresholdSpec[] = input.thresholds ? [...input.thresholds.map((v): ThresholdSpec => ({ value: v, source: 'given' }))] : defaultThresholds(last, null);
  if (ceiling && !specs.some((s) => s.value === ceiling.value)) specs.push({ value: ceiling.value, source: 'ceiling' });
  else if (ceiling) specs.find((s) => s.value === ceiling.value)!.source = 'ceiling';
  specs.sort((a, b) => a.value - b.value);
  const lines = scenarioLines({ points, scenarios, ceiling: options.ceiling, horizonDays, range: range.points, thresholds: specs.map((s) => s.value) });

  return {
    input: {
      location: input.location,
      category: input.category,
      locationRole: input.locationRole ?? null,
      onset: input.onset,
      asOf: input.asOf ?? null,
      horizonDays,
      horizonEnd: endDay === null ? null : fromDay(endDay),
      stalenessDays,
      cumulative,
    },
    series: { points: series.points, band: series.band, warnings },
    trend: trend(points),
    projections: { range, scenarios: lines, thresholds: timeToThreshold(range, specs), methods, backtest: { ...bt, past }, ceiling },
  };
}

/** Where the published central or high end first passes the quoted ceiling (the page says so in words). */
function ceilingNotes(range: Omit<PublishedProjection, 'past'>, ceiling: CeilingInfo): Reason[] {
  const notes: Reason[] = [];
  for (const band of ['central', 'high'] as const) {
    const p = range.points?.find((q) => q[band] > ceiling.value);
    if (p) notes.push({ code: `${band}_above_ceiling`, organisation: ceiling.organisation, ceiling: ceiling.value, date: p.date });
  }
  return notes;
}
