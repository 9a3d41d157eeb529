/** Test helpers for the statistics module: builders and a walker that finds NaN/Infinity anywhere. */
import type { FigureLike, TimePoint } from '../../server/statistics';
import { fromDay, toDay } from '../../server/statistics';

/** The example series of docs/statistics.md: days 0, 2, 4, 7, 9, 12 from 2024-11-28. */
export const EXAMPLE_DAYS = [0, 2, 4, 7, 9, 12];
export const EXAMPLE_VALUES = [48_500, 115_000, 171_000, 280_000, 370_000, 520_000];
export const EXAMPLE_START = '2024-11-28';

export function series(days: readonly number[], values: readonly number[], start = EXAMPLE_START): TimePoint[] {
  const d0 = toDay(start);
  return days.map((d, i) => ({ date: fromDay(d0 + d), value: values[i] }));
}

export const example = (): TimePoint[] => series(EXAMPLE_DAYS, EXAMPLE_VALUES);

/** Paths of every number in `x` that is NaN or ±Infinity (and of any undefined value). */
export function nonFinite(x: unknown, path = '$'): string[] {
  if (typeof x === 'number') return Number.isFinite(x) ? [] : [path];
  if (x === undefined) return [path];
  if (Array.isArray(x)) return x.flatMap((v, i) => nonFinite(v, `${path}[${i}]`));
  if (x !== null && typeof x === 'object') return Object.entries(x).flatMap(([k, v]) => nonFinite(v, `${path}.${k}`));
  return [];
}

let nextId = 1;
export function figure(over: Partial<FigureLike> & Pick<FigureLike, 'periodEnd' | 'value'>): FigureLike {
  return {
    id: nextId++,
    location: 'SYR',
    locationRole: 'unknown',
    category: 'new_displacement',
    periodStart: '2024-11-27',
    valueLow: null,
    valueHigh: null,
    quantifier: 'exact',
    organisation: 'OCHA',
    organisationReliability: 'high',
    publishedOn: over.periodEnd,
    role: 'recommended',
    status: 'approved',
    deletedAt: null,
    ...over,
  };
}
