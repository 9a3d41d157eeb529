/**
 * Pure rule conditions over a reconciled series (no I/O). A rule "crosses" when its condition becomes true; the
 * crossing is named by the date of the first point of the unbroken run of points where the condition holds up to
 * the latest point. Evaluating the same data again (here or on another instance) gives the same key, so the
 * unique index on (rule, crossing key) makes an alert fire once per crossing; once the condition clears and
 * comes back, the new run starts at a new date and fires again.
 */
import type { RuleKind, RuleParams } from './alert';

export interface Point {
  date: string;
  value: number;
  sources: { figureId: number }[];
}

export interface Crossing {
  key: string;
  /** The point where the condition started to hold (the crossing). */
  point: Point;
  detail: Record<string, number | string | null>;
}

const DAY = 86_400_000;
const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / DAY;

/** Linear interpolation of the series at day `t`; null before the first point. */
export function valueAt(points: readonly Point[], t: number): number | null {
  if (!points.length || t < day(points[0].date)) return null;
  let lo = 0;
  let hi = points.length - 1;
  if (t >= day(points[hi].date)) return points[hi].value;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (day(points[mid].date) <= t) lo = mid;
    else hi = mid;
  }
  const t0 = day(points[lo].date);
  const t1 = day(points[hi].date);
  return points[lo].value + ((points[hi].value - points[lo].value) * (t - t0)) / (t1 - t0);
}

type Check = (i: number) => Record<string, number | string | null> | null;

function checkFor(kind: RuleKind, p: RuleParams, points: readonly Point[]): Check | null {
  switch (kind) {
    case 'threshold':
      return (i) => (points[i].value >= p.threshold! ? { threshold: p.threshold! } : null);
    case 'change_7d':
      return (i) => {
        const before = valueAt(points, day(points[i].date) - 7);
        if (before == null) return null;
        const change = points[i].value - before;
        const pct = before > 0 ? (change / before) * 100 : null;
        const byPeople = p.people != null && change >= p.people;
        const byPercent = p.percent != null && pct != null && pct >= p.percent;
        return byPeople || byPercent ? { change: Math.round(change), percent: pct == null ? null : Math.round(pct * 10) / 10, before: Math.round(before) } : null;
      };
    case 'yearly_high':
      return (i) => {
        const t = day(points[i].date);
        let max = -Infinity;
        let min = Infinity;
        for (let j = i - 1; j >= 0 && day(points[j].date) >= t - 365; j--) {
          max = Math.max(max, points[j].value);
          min = Math.min(min, points[j].value);
        }
        if (max === -Infinity || points[i].value < max) return null;
        const rise = min > 0 ? ((points[i].value - min) / min) * 100 : points[i].value > 0 ? Infinity : 0;
        return rise >= p.percent! && points[i].value > min ? { previousHigh: max, lowest: min, percent: Number.isFinite(rise) ? Math.round(rise * 10) / 10 : null } : null;
      };
    default:
      return null;
  }
}

/** The crossing under way at the latest point for a series rule (threshold, change_7d, yearly_high), or null. */
export function seriesCrossing(kind: RuleKind, params: RuleParams, points: readonly Point[]): Crossing | null {
  const check = checkFor(kind, params, points);
  if (!check || !points.length) return null;
  let detail = check(points.length - 1);
  if (!detail) return null;
  let start = points.length - 1;
  for (let i = start - 1; i >= 0; i--) {
    const d = check(i);
    if (!d) break;
    start = i;
    detail = d;
  }
  return { key: points[start].date, point: points[start], detail };
}

/** Whole days from an ISO date to a moment. */
export const daysSince = (iso: string, now: Date) => Math.floor((now.getTime() - Date.parse(`${iso}T00:00:00Z`)) / DAY);

export interface RangePoint {
  date: string;
  low: number;
  central: number;
  high: number;
}

/**
 * When a projection range reaches a threshold: the first day its high end does (the earliest it could), the first
 * day the central does, and the first day the low end does (by which it is likely; null when not within the
 * horizon). Null when the high end never reaches it.
 */
export function rangeReach(points: readonly RangePoint[] | null, threshold: number): { earliest: string; central: string | null; latest: string | null } | null {
  if (!points?.length) return null;
  const first = (k: 'low' | 'central' | 'high') => points.find((q) => q[k] >= threshold)?.date ?? null;
  const earliest = first('high');
  return earliest ? { earliest, central: first('central'), latest: first('low') } : null;
}
