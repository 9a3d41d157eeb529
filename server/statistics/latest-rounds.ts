/**
 * HDX HAPI's rule for totals of round-based sources (IOM DTM): within one operation only the latest round counts.
 * Rounds are numbered per operation, not per place, so the rule looks at every given figure of the operation:
 *
 * - a figure of round r is **superseded** when a figure of the same operation and category with a higher round
 *   has the same as-of date (`periodEnd`): an older round never stands beside a newer one. A figure dated after a
 *   newer round stays (it is the newer information; real DTM files number rounds out of date order);
 * - `latestRound(operation, day)`: the highest round of the operation reported on or before `day`; roll-up sums
 *   no child whose value comes from an older round than that (it would add a stale count to the new round's).
 *
 * Figures without an operation or without a round are outside the rule. Source: HDX HAPI affected-people
 * documentation (totals take the latest reporting round of each operation); docs/statistics.md.
 *
 * @example latestRounds([{ id: 1, operation: 'A', reportingRound: 11, periodEnd: '2024-03-01', … }, { id: 2, operation: 'A', reportingRound: 12, periodEnd: '2024-03-01', … }])
 * // { kept: [figure 2], superseded: [figure 1], warnings: [{ code: 'older_round', operation: 'A', count: 1, figure: 1, round: 11, latest: 12, date: '2024-03-01' }] }
 */
import { toDay } from './days';
import type { FigureLike, Reason } from './types';

export interface LatestRounds<F extends FigureLike> {
  kept: F[];
  superseded: F[];
  warnings: Reason[];
  /** The highest round of `operation` (in `category`) reported on or before `day`; null when none or no operation. */
  latestRound(category: string, operation: string | null | undefined, day: number): number | null;
}

// Only counted figures set the latest round: a draft of round 13 must not push out an approved round 12.
const inRule = (f: FigureLike): f is FigureLike & { operation: string; reportingRound: number } =>
  !!f.operation && f.reportingRound != null && f.status === 'approved' && (f.deletedAt === null || f.deletedAt === undefined);

export function latestRounds<F extends FigureLike>(figures: readonly F[]): LatestRounds<F> {
  // Per category × operation: (day, round) of every figure of the rule, by day.
  const timelines = new Map<string, { day: number; round: number; f: F }[]>();
  for (const f of figures) {
    if (!inRule(f)) continue;
    const key = `${f.category}\u0000${f.operation}`;
    const list = timelines.get(key);
    const entry = { day: toDay(f.periodEnd), round: f.reportingRound, f };
    if (list) list.push(entry);
    else timelines.set(key, [entry]);
  }
  const superseded = new Set<F>();
  const warnings: Reason[] = [];
  // Per timeline: days ascending, and the highest round reported up to each (inclusive), for latestRound.
  const maxima = new Map<string, { days: number[]; max: number[] }>();
  for (const [key, list] of timelines) {
    list.sort((a, b) => a.day - b.day || a.f.id - b.f.id);
    const days: number[] = [];
    const max: number[] = [];
    let running = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < list.length;) {
      let j = i;
      while (j < list.length && list[j].day === list[i].day) running = Math.max(running, list[j++].round);
      days.push(list[i].day);
      max.push(running);
      i = j;
    }
    maxima.set(key, { days, max });
    let first: { f: F; latest: number } | null = null;
    let count = 0;
    // Highest round per day: an older round is superseded by a newer one of the same date. A report dated after a
    // newer round stays (real DTM files number rounds out of date order: Iraq's round 46 is dated after round 48),
    // so a place's latest report is never dropped for its round number; totals still add no older-round child.
    const dayMax = new Map<number, number>();
    for (const e of list) dayMax.set(e.day, Math.max(dayMax.get(e.day) ?? Number.NEGATIVE_INFINITY, e.round));
    for (const e of list) {
      const latest = dayMax.get(e.day)!;
      if (e.round < latest) {
        superseded.add(e.f);
        count++;
        if (!first) first = { f: e.f, latest };
      }
    }
    if (first)
      warnings.push({
        code: 'older_round',
        operation: key.slice(key.indexOf('\u0000') + 1),
        count,
        figure: first.f.id,
        round: first.f.reportingRound ?? null,
        latest: first.latest,
        date: first.f.periodEnd,
      });
  }
  return {
    kept: superseded.size ? figures.filter((f) => !superseded.has(f)) : [...figures],
    superseded: [...superseded],
    warnings,
    latestRound(category, operation, day) {
      if (!operation) return null;
      const m = maxima.get(`${category}\u0000${operation}`);
      if (!m) return null;
      const i = indexAtOrBefore(m.days, day);
      return i < 0 ? null : m.max[i];
    },
  };
}

/** Index of the last element ≤ day in an ascending list, −1 when none. */
function indexAtOrBefore(days: readonly number[], day: number): number {
  let lo = 0;
  let hi = days.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (days[mid] <= day) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}
