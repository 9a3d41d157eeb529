/**
 * Types shared by the statistics module (docs/statistics.md). Everything here is
 * JSON-serialisable: dates are ISO `YYYY-MM-DD` strings, numbers are always finite, and a
 * result that the data cannot support is `null` with a `reason` string next to it.
 */
import type { Figure, LocationRole, Quantifier, Scenario } from '../figures/figure';

/** The fields of a Figure that the statistics need (a full `Figure` satisfies it). */
export type FigureLike = Pick<
  Figure,
  | 'id'
  | 'location'
  | 'locationRole'
  | 'category'
  | 'periodStart'
  | 'periodEnd'
  | 'value'
  | 'valueLow'
  | 'valueHigh'
  | 'quantifier'
  | 'organisation'
  | 'organisationReliability'
  | 'publishedOn'
  | 'role'
  | 'status'
  | 'deletedAt'
> &
  Partial<Pick<Figure, 'operation' | 'reportingRound'>>;

/** A published scenario (never an observation). `publishedOn` is optional: without it, `asOf` cannot exclude it. */
export type ScenarioLike = Pick<Scenario, 'id' | 'location' | 'category' | 'organisation' | 'kind' | 'value' | 'horizonDate' | 'quote'> & {
  publishedOn?: string | null;
};

/** A location as the statistics need it. `isArea` marks non-administrative regions (never summed into a parent). */
export interface LocationLike {
  code: string;
  name: string;
  parentCode: string | null;
  adminLevel: number;
  isArea: boolean;
}

/** One dated value: the input of trend, projections and backtest. */
export interface TimePoint {
  date: string;
  value: number;
}

/** Which figure(s) a reconciled point comes from. */
export interface PointSource {
  figureId: number;
  organisation: string;
  value: number;
  role: 'recommended' | 'triangulation';
  location: string;
  periodStart: string | null;
  periodEnd: string;
}

/** `lower`: the true value is at least this (`more_than`); `upper`: at most (`less_than`). */
export type Bound = 'exact' | 'approximate' | 'lower' | 'upper';

export interface SeriesPoint {
  date: string;
  value: number;
  quantifier: Quantifier;
  bound: Bound;
  /** Plain words for the bound, e.g. "lower bound: the source said 'more than'"; null for exact/approximate. */
  boundNote: string | null;
  /** `reported`: one figure's value; `accumulated`: a running total plus increments; `derived`: sum of child locations. */
  kind: 'reported' | 'accumulated' | 'derived';
  derived: boolean;
  /** For derived points: the location role that was summed (origin and destination are never added together). */
  role: LocationRole | null;
  /** For derived points: child locations with no value within the staleness window. */
  childrenMissing: string[];
  sources: PointSource[];
}

/** Min–max of all approved figures of one date (recommended and triangulation), widened by valueLow/valueHigh. */
export interface BandPoint {
  date: string;
  low: number;
  high: number;
  /** false when the date has only triangulation figures: it has a band but no series point. */
  hasSeriesPoint: boolean;
  sources: PointSource[];
}

export interface ReconciledSeries {
  points: SeriesPoint[];
  band: BandPoint[];
  /** QA warnings as codes with parameters (`reason.<code>` in the catalogue). */
  warnings: Reason[];
  /** Warnings left out of `warnings` (at most 50 of each code are listed); set on the top-level series. */
  warningsOmitted?: number;
}

export interface Estimate {
  value: number | null;
  reason: Reason | null;
}

export type MethodKey = 'linear' | 'drift' | 'loglinear' | 'logistic' | 'holt';
export const METHOD_KEYS: readonly MethodKey[] = ['linear', 'drift', 'loglinear', 'logistic', 'holt'];

export interface Forecast {
  central: number;
  lo80: number;
  hi80: number;
  lo95: number;
  hi95: number;
}

export interface ProjectionPoint extends Forecast {
  date: string;
}

export interface ProjectionResult {
  method: MethodKey;
  /** Short plain name, e.g. "Straight line". */
  name: string;
  /** Plain-words description of the method and of its range. */
  description: string;
  /** One point per day from the last observation (inclusive) to the horizon; null with `reason` when not possible. */
  points: ProjectionPoint[] | null;
  reason: Reason | null;
  /** Fitted parameters (days are counted from the first observation). */
  parameters: Record<string, number> | null;
}

export interface ProjectionOptions {
  /** Days after the last observation to project (default 30). */
  horizonDays?: number;
  /** A running total: never projected below the last observed value. */
  cumulative?: boolean;
  /** A quoted ceiling (scenario value): caps loglinear and is K for logistic. */
  ceiling?: number | null;
}

/**
 * Why a result is missing, or a note about it, as a code with parameters (`{ code: 'too_few_points', needed: 3, got: 1 }`);
 * pages render it through the message catalogue (`reason.<code>` in server/i18n/en.json), the API adds an English `message`.
 */
export interface Reason {
  code: string;
  [param: string]: string | number | null;
}
