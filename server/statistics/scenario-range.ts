/**
 * The scenario range published on a page (DESIGN.md §3), per day from the last report to the horizon:
 *   central = the method with the best backtest: lowest MAPE at 7 days among the methods whose
 *             projection reaches the horizon (so loglinear without a ceiling, which stops after 14 days,
 *             only competes for horizons up to 14 days); ties go in the order drift, linear, holt,
 *             logistic, loglinear. When no 7-day backtest is possible (fewer than 4 reports, or no
 *             report within 7 days of an origin), the fallback is the first available of drift,
 *             linear, holt (the steady methods: no growth assumption);
 *   low     = the lower 80% bound of the central method;
 *   high    = the highest of the central method's upper 80% bound and the accelerating scenarios
 *             (the central curves of loglinear and logistic, both capped at the ceiling; loglinear
 *             without a ceiling only for its first 14 days).
 * A choice needs at least MIN_BACKTEST_FORECASTS scored forecasts: with 4 reports the backtest is one forecast,
 * which would crown whichever method happened to fit one jump; below the minimum the steady fallback is used
 * and the label says so.
 * So low ≤ central ≤ high always. Each of low / central / high names its method in plain words.
 * Source: DESIGN.md §3; issue 3.
 *
 * @example scenarioRange(projections, backtestResult)
 * // { central: { method: 'drift', label: 'Average daily change (best 7-day backtest: …)' }, points: [{ date, low, central, high, highFrom }], … }
 */
import type { MethodKey, ProjectionResult } from './types';
import type { BacktestResult } from './backtest';

/** Order for ties in the backtest choice. */
export const CENTRAL_CANDIDATES: readonly MethodKey[] = ['drift', 'linear', 'holt', 'logistic', 'loglinear'];
/** Fallback when no backtest is possible: the steady methods. */
export const FALLBACK_ORDER: readonly MethodKey[] = ['drift', 'linear', 'holt'];
export const ACCELERATING: readonly MethodKey[] = ['loglinear', 'logistic'];
/** Fewest 7-day backtest forecasts that may decide the central method. */
export const MIN_BACKTEST_FORECASTS = 3;

export interface RangePoint {
  date: string;
  low: number;
  central: number;
  high: number;
  /** Which curve gave `high` on that day. */
  highFrom: 'central_upper_80' | 'loglinear' | 'logistic';
}

export interface ScenarioRange {
  points: RangePoint[] | null;
  reason: string | null;
  central: { method: MethodKey | null; chosenBy: 'backtest' | 'fallback' | null; label: string; description: string | null };
  low: { method: MethodKey | null; label: string };
  high: { methods: MethodKey[]; label: string };
}

/** "Straight line" → "straight line", but "S-curve" stays. */
const lower = (s: string) => (/^[A-Z][a-z]/.test(s) ? s.charAt(0).toLowerCase() + s.slice(1) : s);
import { formatPeople as fmt } from './format-people';

/** `ceiling` only shapes the wording of the `high` label. */
export function scenarioRange(
  methods: Partial<Record<MethodKey, ProjectionResult>>,
  backtest: BacktestResult | null,
  ceiling: number | null = null,
): ScenarioRange {
  const fallback = FALLBACK_ORDER.filter((m) => methods[m]?.points);
  if (fallback.length === 0) {
    const reasons = FALLBACK_ORDER.map((m) => `${m}: ${methods[m]?.reason ?? 'not computed'}`).join('; ');
    return {
      points: null,
      reason: `no steady method could be projected (${reasons})`,
      central: { method: null, chosenBy: null, label: 'none', description: null },
      low: { method: null, label: 'none' },
      high: { methods: [], label: 'none' },
    };
  }
  let chosen: MethodKey | null = null;
  let best = Number.POSITIVE_INFINITY;
  let bestN = 0;
  let thinN = 0;
  const lastDate = (m: MethodKey) => methods[m]?.points?.at(-1)?.date ?? '';
  const horizonEnd = CENTRAL_CANDIDATES.map(lastDate).reduce((a, b) => (b > a ? b : a), '');
  for (const m of CENTRAL_CANDIDATES.filter((k) => lastDate(k) === horizonEnd)) {
    const h7 = backtest?.methods?.[m]?.horizons.find((h) => h.horizonDays === 7);
    if (h7) thinN = Math.max(thinN, h7.n);
    if (h7 && h7.n >= MIN_BACKTEST_FORECASTS && h7.mape !== null && h7.mape < best) {
      best = h7.mape;
      bestN = h7.n;
      chosen = m;
    }
  }
  const chosenBy: 'backtest' | 'fallback' = chosen ? 'backtest' : 'fallback';
  const central = (chosen ?? fallback[0]) as MethodKey;
  const c = methods[central]!;
  const why =
    chosenBy === 'backtest'
      ? `lowest 7-day backtest error: MAPE ${best.toFixed(1)}% over ${bestN} forecast${bestN === 1 ? '' : 's'}`
      : thinN > 0
        ? `only ${thinN} past forecast${thinN === 1 ? '' : 's'} to score, too few to choose by backtest (at least ${MIN_BACKTEST_FORECASTS}), so the first available of average daily change, straight line, smoothed trend`
        : `no 7-day backtest was possible, so the first available of average daily change, straight line, smoothed trend`;

  const acc = ACCELERATING.filter((m) => m !== central && methods[m]?.points);
  const accByDate = acc.map((m) => ({ m, byDate: new Map(methods[m]!.points!.map((p) => [p.date, p.central])) }));
  const points: RangePoint[] = c.points!.map((p) => {
    let high = p.hi80;
    let highFrom: RangePoint['highFrom'] = 'central_upper_80';
    for (const { m, byDate } of accByDate) {
      const v = byDate.get(p.date);
      if (v !== undefined && v > high) {
        high = v;
        highFrom = m as 'loglinear' | 'logistic';
      }
    }
    return { date: p.date, low: p.lo80, central: p.central, high, highFrom };
  });
  const accLabel = (m: MethodKey) =>
    m === 'loglinear'
      ? ceiling !== null
        ? `exponential growth capped at the ceiling of ${fmt(ceiling)}`
        : 'exponential growth (first 14 days only: no ceiling is quoted)'
      : `the S-curve to the ceiling${ceiling !== null ? ` of ${fmt(ceiling)}` : ''}`;
  const highParts = [`the upper 80% bound of the ${lower(c.name)}`, ...acc.map(accLabel)];
  return {
    points,
    reason: null,
    central: { method: central, chosenBy, label: `${c.name} (${why})`, description: c.description },
    low: { method: central, label: `Lower 80% bound of the ${lower(c.name)}` },
    high: {
      methods: [central, ...acc],
      label: highParts.length === 1 ? `Upper 80% bound of the ${lower(c.name)}` : `Highest of ${highParts.slice(0, -1).join(', ')} and ${highParts.at(-1)}`,
    },
  };
}
