/**
 * Roll-up of a location from its children: at each date the location's own reconciled value if it has
 * one; otherwise the sum of its children's latest values on or before that date and not older than
 * the staleness window (default 14 days), flagged `derived: true` and listing the children left out.
 * While the location's own latest figure is itself within the window, it stands: a sum of the few children
 * that reported (e.g. one governorate's arrivals) would otherwise break into a national series as a false dip or jump.
 * Children are computed the same way, recursively (a governorate can itself be the sum of its districts).
 * - Locations with `isArea: true` (non-administrative regions such as "North-west Syria") are never summed into a parent.
 * - Figures counted at origin and at destination are never added together: children are summed per
 *   location role. With a `locationRole` given, only that role is used. Without one, the location's own
 *   figures of any role are used and each derived value comes from the single role whose children's sum
 *   is largest (origin and destination sums both estimate the same total, from two sides); the point's
 *   `role` says which.
 * - A derived value below the location's own latest figure within the window gets a QA warning (children incomplete).
 * Source: docs/statistics.md (after IOM DTM admin-level aggregation).
 *
 * @example rollUp({ figures, locations, location: 'SYR', category: 'new_displacement', onset: '2024-11-27' })
 * // points: own SYR figures, plus { date, value: Σ governorates, derived: true, role: 'destination', childrenMissing: [...] }
 */
import type { LocationRole } from '../figures/figure';
import type { FigureLike, LocationLike, PointSource, Reason, ReconciledSeries, SeriesPoint } from './types';
import { reconcile, type ReconcileInput } from './reconcile';
import { toDay, fromDay } from './days';
import { combineQuantifiers, describeBound } from './quantifiers';

export const DEFAULT_STALENESS_DAYS = 14;

export interface RollUpInput extends ReconcileInput {
  locations: readonly LocationLike[];
  /** Children's values older than this many days are not summed (default 14). */
  stalenessDays?: number;
}

const ROLES: readonly LocationRole[] = ['destination', 'unknown', 'origin'];

interface Dated {
  day: number;
  point: SeriesPoint;
}

export function rollUp(input: RollUpInput): ReconciledSeries {
  const staleness = input.stalenessDays ?? DEFAULT_STALENESS_DAYS;
  if (!Number.isInteger(staleness) || staleness < 0) throw new RangeError(`stalenessDays must be a whole number ≥ 0, got ${staleness}`);
  const byLocation = new Map<string, FigureLike[]>();
  for (const f of input.figures) {
    if (f.category !== input.category) continue;
    const list = byLocation.get(f.location);
    if (list) list.push(f);
    else byLocation.set(f.location, [f]);
  }
  const children = new Map<string, string[]>();
  for (const l of input.locations) {
    if (l.isArea || l.parentCode === null || l.parentCode === l.code) continue;
    const list = children.get(l.parentCode);
    if (list) list.push(l.code);
    else children.set(l.parentCode, [l.code]);
  }
  for (const list of children.values()) list.sort();

  const warnings: Reason[] = [];
  const memo = new Map<string, ReconciledSeries>();
  const visiting = new Set<string>();

  const seriesFor = (code: string, role: LocationRole | undefined): ReconciledSeries => {
    const key = `${code}\u0000${role ?? '*'}`;
    const hit = memo.get(key);
    if (hit) return hit;
    const own = reconcile({ figures: byLocation.get(code) ?? [], location: code, category: input.category, onset: input.onset, locationRole: role });
    let kids = children.get(code) ?? [];
    if (visiting.has(code)) {
      warnings.push({ code: 'own_ancestor', location: code });
      kids = [];
    }
    if (kids.length === 0) {
      memo.set(key, own);
      return own;
    }
    visiting.add(code);
    const roles = role === undefined ? ROLES : [role];
    const kidSeries = roles.map((r) => kids.map((k) => seriesFor(k, r).points.map((p): Dated => ({ day: toDay(p.date), point: p }))));
    visiting.delete(code);

    const ownDays = new Map<number, SeriesPoint>();
    for (const p of own.points) ownDays.set(toDay(p.date), p);
    const allDays = new Set<number>(ownDays.keys());
    for (const perRole of kidSeries) for (const pts of perRole) for (const d of pts) allDays.add(d.day);
    const sortedDays = [...allDays].sort((a, b) => a - b);

    const cursors = kidSeries.map((perRole) => perRole.map(() => -1));
    const points: SeriesPoint[] = [];
    const extraWarnings: Reason[] = [];
    // One warning per location, not one per date: a large roll-up can fall short on every date.
    const below: { count: number; first: { date: string; sum: number; own: number; ownDate: string } | null } = { count: 0, first: null };
    let lastOwn: Dated | null = null;
    for (const day of sortedDays) {
      const mine = ownDays.get(day);
      // advance cursors: index of each child's latest point on or before `day`
      for (let r = 0; r < roles.length; r++) {
        for (let c = 0; c < kids.length; c++) {
          const pts = kidSeries[r][c];
          let i = cursors[r][c];
          while (i + 1 < pts.length && pts[i + 1].day <= day) i++;
          cursors[r][c] = i;
        }
      }
      if (mine) {
        points.push(mine);
        lastOwn = { day, point: mine };
        continue;
      }
      let best: { role: LocationRole; value: number; used: SeriesPoint[]; missing: string[] } | null = null;
      for (let r = 0; r < roles.length; r++) {
        let value = 0;
        const used: SeriesPoint[] = [];
        const missing: string[] = [];
        for (let c = 0; c < kids.length; c++) {
          const i = cursors[r][c];
          const pts = kidSeries[r][c];
          if (i >= 0 && day - pts[i].day <= staleness) {
            value += pts[i].point.value;
            used.push(pts[i].point);
          } else missing.push(kids[c]);
        }
        if (used.length > 0 && (best === null || value > best.value)) best = { role: roles[r], value, used, missing };
      }
      if (best === null) continue;
      if (lastOwn && day - lastOwn.day <= staleness) {
        if (best.value < lastOwn.point.value) {
          if (!below.first) below.first = { date: fromDay(day), sum: best.value, own: lastOwn.point.value, ownDate: lastOwn.point.date };
          below.count++;
        }
        continue;
      }
      const quantifier = combineQuantifiers(best.used.map((p) => p.quantifier));
      const sources: PointSource[] = best.used.flatMap((p) => p.sources);
      const point: SeriesPoint = {
        date: fromDay(day),
        value: best.value,
        quantifier,
        ...describeBound(quantifier),
        kind: 'derived',
        derived: true,
        role: best.role,
        childrenMissing: best.missing,
        sources,
      };
      points.push(point);
    }
    if (below.count) extraWarnings.push({ code: 'children_below_parent', location: code, dates: below.count, ...below.first! });
    const result: ReconciledSeries = { points, band: own.band, warnings: [...own.warnings, ...extraWarnings] };
    memo.set(key, result);
    return result;
  };

  const top = seriesFor(input.location, input.locationRole);
  // Warnings of descendants (e.g. ties among their recommended figures) are worth seeing too.
  const all = new Map<string, Reason>();
  const add = (w: Reason) => all.set(JSON.stringify(w), w);
  top.warnings.forEach(add);
  for (const [key, s] of memo) {
    if (key.startsWith(`${input.location}\u0000`)) continue;
    s.warnings.forEach(add);
  }
  warnings.forEach(add);
  return { points: top.points, band: top.band, warnings: [...all.values()] };
}
