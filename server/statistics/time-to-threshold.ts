import type { Reason } from './types';
import type { ThresholdSpec } from './default-thresholds';

export interface Crossing {
  date: string | null;
  reason: Reason | null;
}

export interface ThresholdCrossing {
  threshold: number;
  source: ThresholdSpec['source'];
  low: Crossing;
  central: Crossing;
  high: Crossing;
}

export interface RangeLike {
  points: readonly { date: string; low: number; central: number; high: number }[] | null;
  reason: Reason | null;
}

/**
 * Time to threshold: for each threshold, the first date on which the low, central and high ends of the
 * published range reach it (value ≥ threshold), or null with a reason. An end already at or above it at the
 * last report answers with that date.
 * Source: server/statistics/README.md "Time to threshold".
 *
 * @example timeToThreshold(the Syria range as of 2024-12-06 to 6 days, [{ value: 500_000, source: 'round' }])
 * // [{ threshold: 500000, source: 'round', low: { date: null, reason: { code: 'not_within_horizon' } }, central: { date: '2024-12-09', reason: null }, high: { date: '2024-12-07', reason: null } }]
 */
export function timeToThreshold(range: RangeLike, thresholds: readonly (ThresholdSpec | number)[]): ThresholdCrossing[] {
  return thresholds.map((th) => {
    const spec: ThresholdSpec = typeof th === 'number' ? { value: th, source: 'given' } : th;
    if (!Number.isFinite(spec.value)) throw new TypeError(`timeToThreshold requires finite thresholds, got ${spec.value}`);
    const find = (key: 'low' | 'central' | 'high'): Crossing => {
      if (!range.points) return { date: null, reason: range.reason ?? { code: 'no_projection' } };
      const p = range.points.find((q) => q[key] >= spec.value);
      return p ? { date: p.date, reason: null } : { date: null, reason: { code: 'not_within_horizon' } };
    };
    return { threshold: spec.value, source: spec.source, low: find('low'), central: find('central'), high: find('high') };
  });
}
