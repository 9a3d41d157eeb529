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
 * - Rounds (latest-rounds.ts), across every given location: within one operation a figure of an older round dated
 *   on or after a newer round's is left out; a child whose value at a date comes from an older round than the
 *   operation's latest by then is not summed (listed as missing), and a parent's own figure of an older round
 *   does not hold back the sum of a newer one. Only the latest round of an operation counts in a total.
 * Source: docs/statistics.md (after IOM DTM admin-level aggregation).
 *
 * @example rollUp({ figures, locations, location: 'SYR', category: 'new_displacement', onset: '2024-11-27' })
 * // points: own SYR figures, plus { date, value: Σ governorates, derived: true, role: 'destination', childrenMissing: [...] }
 */
import type { LocationRole } from '../figures/figure';
import type { FigureLike, LocationLike, PointSource, Reason, ReconciledSeries, SeriesPoint } from './types';
import { isCounted, reconcile, type ReconcileInput } from './reconcile';
import { latestRounds } from './latest-rounds';
import { toDay, fromDay } from './days';
import { combineQuantifiers, describeBound } from './quantifiers';

export const DEFAULT_STALENESS_DAYS = 14;

/**
 * Warnings kept per code, newest dated ones first. A large series can raise one warning per report date (tens of
 * thousands on a million figures), which would make an analysis too large to cache; the rest are counted.
 */
export const MAX_WARNINGS_PER_CODE = 50;

/** At most MAX_WARNINGS_PER_CODE of each code, dated ones newest first; `omitted` counts the rest. */
export function capWarnings(warnings: Reason[]): { kept: Reason[]; omitted: number } {
  const byCode = new Map<string, Reason[]>();
  for (const w of warnings) {
    const list = byCode.get(w.code);
    if (list) list.push(w);
    else byCode.set(w.code, [w]);
  }
  const kept: Reason[] = [];
  let omitted = 0;
  for (const list of byCode.values()) {
    const date = (w: Reason) => (typeof w.date === 'string' ? w.date : '');
    const sorted = list.length > MAX_WARNINGS_PER_CODE ? [...list].sort((a, b) => date(b).localeCompare(date(a))) : list;
    kept.push(...sorted.slice(0, MAX_WARNINGS_PER_CODE));
    omitted += Math.max(0, list.length - MAX_WARNINGS_PER_CODE);
  }
  return { kept, omitted };
}

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
  const rounds = latestRounds(input.figures.filter((f) => f.category === input.category && isCounted(f)));
  const superseded = new Set(rounds.superseded);
  const byId = new Map<number, FigureLike>();
  const byLocation = new Map<string, FigureLike[]>();
  for (const f of input.figures) {
    if (f.category !== input.category || superseded.has(f)) continue;
    byId.set(f.id, f);
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

  const warnings: Reason[] = [...rounds.warnings];
  /** Whether a point's value comes (in part) from a round older than its operation's latest round by `day`. */
  const olderRound = (p: SeriesPoint, day: number): boolean =>
    p.sources.some((s) => {
      const f = byId.get(s.figureId);
      if (!f || !f.operation || f.reportingRound == null) return false;
      const latest = rounds.latestRound(input.category, f.operation, day);
      return latest !== null && f.reportingRound < latest;
    });
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
          if (i >= 0 && day - pts[i].day <= staleness && !olderRound(pts[i].point, day)) {
            value += pts[i].point.value;
            used.push(pts[i].point);
          } else missing.push(kids[c]);
        }
        if (used.length > 0 && (best === null || value > best.value)) best = { role: roles[r], value, used, missing };
      }
      if (best === null) continue;
      if (lastOwn && day - lastOwn.day <= staleness && !olderRound(lastOwn.point, day)) {
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
  const { kept, omitted } = capWarnings([...all.values()]);
  return { points: top.points, band: top.band, warnings: kept, warningsOmitted: omitted };
}
