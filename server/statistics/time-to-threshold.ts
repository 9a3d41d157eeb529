/**
 * Time to threshold: for each threshold, the first date on which the low, central and high curves
 * of the scenario range reach it (value ≥ threshold), or null with "not within horizon". A curve
 * already at or above it at the last report answers with that date.
 * Source: DESIGN.md §3; issue 3.
 *
 * @example timeToThreshold(range, [{ value: 1_000_000, source: 'round' }])
 * // [{ threshold: 1000000, source: 'round', low: { date: null, reason: 'not within horizon' }, central: { date: '2024-12-10', reason: null }, high: { … } }]
 */
import type { ScenarioRange } from './scenario-range';
import type { ThresholdSpec } from './default-thresholds';

export interface Crossing {
  date: string | null;
  reason: string | null;
}

export interface ThresholdCrossing {
  threshold: number;
  source: ThresholdSpec['source'];
  low: Crossing;
  central: Crossing;
  high: Crossing;
}

export function timeToThreshold(range: ScenarioRange, thresholds: readonly (ThresholdSpec | number)[]): ThresholdCrossing[] {
  return thresholds.map((th) => {
    const spec: ThresholdSpec = typeof th === 'number' ? { value: th, source: 'given' } : th;
    if (!Number.isFinite(spec.value)) throw new TypeError(`timeToThreshold requires finite thresholds, got ${spec.value}`);
    const find = (key: 'low' | 'central' | 'high'): Crossing => {
      if (!range.points) return { date: null, reason: range.reason ?? 'no projection' };
      const p = range.points.find((q) => q[key] >= spec.value);
      return p ? { date: p.date, reason: null } : { date: null, reason: 'not within horizon' };
    };
    return { threshold: spec.value, source: spec.source, low: find('low'), central: find('central'), high: find('high') };
  });
}
