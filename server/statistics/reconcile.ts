/**
 * Reconciled series of one location × category (× location role): one value per date built from
 * the approved, not deleted, `recommended` figures, and the triangulation band.
 *
 * - Date of a figure: `periodEnd` (for stocks the as-of date).
 * - Several recommended figures on one date: the organisation with higher reliability wins, then the
 *   later `publishedOn`, then the higher figure id (entered later); a QA warning names them.
 * - Band: min–max of ALL approved figures of the date (recommended and triangulation), widened by
 *   valueLow/valueHigh, and always containing the series value. A date with only triangulation figures
 *   has a band entry (`hasSeriesPoint: false`) but no series point: triangulation never builds the series.
 * - Stocks (idps, returnees, refugees): each date stands alone; never summed across dates.
 * - Flows (new_displacement, return, cross_border_outflow): a figure whose `periodStart` is empty or on or
 *   before the onset is a running total. Other flows are increments: value / days spread evenly over
 *   periodStart..periodEnd (inclusive) and added to the latest running total before them; the value at
 *   date D = latest running total on or before D (0 if none) + the increment-days after that total up to D.
 *   Increment figures in the band are put on the same cumulative scale: total before their periodStart + value.
 * - Rounds (latest-rounds.ts): within one operation, a figure of an older round dated on the day of a newer round's
 *   figure is left out (one `older_round` warning per operation): only the latest round counts.
 * - Quantifiers are kept: a `more_than` point is a lower bound and says so, `less_than` an upper bound;
 *   a total built from several figures gets the combined quantifier.
 * Source: docs/data-model.md and docs/statistics.md (after IDMC Helix: recommended vs triangulation figures).
 *
 * @example reconcile({ figures: [OCHA recommended 370,000 'more_than' and WFP triangulation 280,000, both SYR to 2024-12-06], location: 'SYR', category: 'new_displacement', onset: '2024-11-27' })
 * // { points: [{ date: '2024-12-06', value: 370000, quantifier: 'more_than', bound: 'lower', … }], band: [{ date: '2024-12-06', low: 280000, high: 370000, … }], warnings: [] }
 */
import { isFlow, type Category, type LocationRole, type Reliability } from '../figures/figure';
import type { BandPoint, FigureLike, PointSource, ReconciledSeries, SeriesPoint, Reason } from './types';
import { toDay, fromDay } from './days';
import { combineQuantifiers, describeBound } from './quantifiers';
import { latestRounds } from './latest-rounds';

export interface ReconcileInput {
  figures: readonly FigureLike[];
  location: string;
  category: Category;
  /** Situation onset, YYYY-MM-DD. */
  onset: string;
  /** Only figures with this location role; omitted: all roles (a warning if origin and destination are mixed). */
  locationRole?: LocationRole;
}

const RELIABILITY_RANK: Record<Reliability, number> = { low: 0, medium: 1, high: 2 };

interface Item {
  f: FigureLike;
  day: number;
  /** Increments only: first day of the period. */
  start: number | null;
}

export function source(f: FigureLike): PointSource {
  return { figureId: f.id, organisation: f.organisation, value: f.value, role: f.role, location: f.location, periodStart: f.periodStart, periodEnd: f.periodEnd };
}

/** Better recommended figure first: reliability, then later publication, then higher id. */
function preferred(a: FigureLike, b: FigureLike): number {
  return (
    RELIABILITY_RANK[b.organisationReliability] - RELIABILITY_RANK[a.organisationReliability] ||
    (b.publishedOn < a.publishedOn ? -1 : b.publishedOn > a.publishedOn ? 1 : 0) ||
    b.id - a.id
  );
}

export function isCounted(f: FigureLike): boolean {
  return f.status === 'approved' && (f.deletedAt === null || f.deletedAt === undefined);
}

export function reconcile(input: ReconcileInput): ReconciledSeries {
  const { location, category, locationRole } = input;
  const onsetDay = toDay(input.onset);
  const flow = isFlow(category);
  const warnings: Reason[] = [];
  const items: Item[] = [];
  const roles = new Set<LocationRole>();
  const rounds = latestRounds(input.figures.filter((f) => f.location === location && f.category === category && isCounted(f)));
  const superseded = new Set(rounds.superseded);
  warnings.push(...rounds.warnings);
  for (const f of input.figures) {
    if (f.location !== location || f.category !== category || !isCounted(f) || superseded.has(f)) continue;
    if (locationRole !== undefined && f.locationRole !== locationRole) continue;
    if (!(Number.isFinite(f.value) && f.value >= 0)) {
      warnings.push({ code: 'figure_not_people', figure: f.id, value: String(f.value) });
      continue;
    }
    const day = toDay(f.periodEnd);
    let start: number | null = null;
    if (flow && f.periodStart) {
      const s = toDay(f.periodStart);
      if (s > day) {
        warnings.push({ code: 'figure_period_reversed', figure: f.id, start: f.periodStart, end: f.periodEnd });
        continue;
      }
      if (s > onsetDay) start = s;
    }
    roles.add(f.locationRole);
    items.push({ f, day, start });
  }
  if (locationRole === undefined && roles.has('origin') && roles.has('destination')) {
    warnings.push({ code: 'roles_mixed', location });
  }
  // Deterministic order whatever the input order.
  items.sort((a, b) => a.day - b.day || a.f.id - b.f.id);

  // Winners per date among recommended figures.
  const byDay = new Map<number, Item[]>();
  for (const it of items) {
    const list = byDay.get(it.day);
    if (list) list.push(it);
    else byDay.set(it.day, [it]);
  }
  const days = [...byDay.keys()].sort((a, b) => a - b);
  const winners = new Map<number, Item>();
  for (const d of days) {
    const rec = byDay.get(d)!.filter((it) => it.f.role === 'recommended');
    if (rec.length === 0) continue;
    rec.sort((a, b) => preferred(a.f, b.f));
    winners.set(d, rec[0]);
    if (rec.length > 1) {
      const w = rec[0].f;
      warnings.push({
        code: 'several_recommended',
        location,
        date: fromDay(d),
        count: rec.length,
        figures: rec.map((r) => `#${r.f.id} ${r.f.organisation} ${r.f.value}`).join('; '),
        used: w.id,
        organisation: w.organisation,
        reliability: w.organisationReliability,
        published: w.publishedOn,
      });
    }
  }

  // Running totals (and stocks) vs increments among winners.
  const totals: Item[] = [];
  const increments: Item[] = [];
  for (const d of days) {
    const w = winners.get(d);
    if (!w) continue;
    if (w.start === null) totals.push(w);
    else increments.push(w);
  }

  /** Cumulative value at `day` from the winners: latest running total on/before it + increment-days after that. */
  const cumulativeAt = (day: number): { value: number; parts: Item[] } => {
    let lo = 0;
    let hi = totals.length - 1;
    let base: Item | null = null;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (totals[mid].day <= day) {
        base = totals[mid];
        lo = mid + 1;
      } else hi = mid - 1;
    }
    let value = base ? base.f.value : 0;
    const parts: Item[] = base ? [base] : [];
    const after = base ? base.day : Number.NEGATIVE_INFINITY;
    for (const inc of increments) {
      const from = Math.max(inc.start!, after + 1);
      const to = Math.min(inc.day, day);
      if (to < from) continue;
      value += (inc.f.value * (to - from + 1)) / (inc.day - inc.start! + 1);
      parts.push(inc);
    }
    return { value, parts };
  };

  const points: SeriesPoint[] = [];
  const pointValue = new Map<number, number>();
  for (const d of days) {
    const w = winners.get(d);
    if (!w) continue;
    let value: number;
    let parts: Item[];
    if (!flow) {
      value = w.f.value;
      parts = [w];
    } else {
      ({ value, parts } = cumulativeAt(d));
    }
    const reported = parts.length === 1 && parts[0] === w;
    const quantifier = reported ? w.f.quantifier : combineQuantifiers(parts.map((p) => p.f.quantifier));
    const sources = [source(w.f), ...parts.filter((p) => p !== w).map((p) => source(p.f))];
    pointValue.set(d, value);
    points.push({
      date: fromDay(d),
      value,
      quantifier,
      ...describeBound(quantifier),
      kind: reported ? 'reported' : 'accumulated',
      derived: false,
      role: null,
      childrenMissing: [],
      sources,
    });
  }

  const band: BandPoint[] = [];
  for (const d of days) {
    let low = Number.POSITIVE_INFINITY;
    let high = Number.NEGATIVE_INFINITY;
    const list = byDay.get(d)!;
    for (const it of list) {
      const offset = it.start === null ? 0 : cumulativeAt(it.start - 1).value;
      for (const v of [it.f.value, it.f.valueLow, it.f.valueHigh]) {
        if (v === null || v === undefined || !Number.isFinite(v)) continue;
        low = Math.min(low, offset + v);
        high = Math.max(high, offset + v);
      }
    }
    const pv = pointValue.get(d);
    if (pv !== undefined) {
      low = Math.min(low, pv);
      high = Math.max(high, pv);
    }
    band.push({ date: fromDay(d), low, high, hasSeriesPoint: pv !== undefined, sources: list.map((it) => source(it.f)) });
  }
  return { points, band, warnings };
}
