import { z } from 'zod';
import type { AnalysisService } from '../analysis/analysis.service';
import { CATEGORIES, type Category } from '../figures/figure';
import type { FigureRecord } from '../figures/figures.repository';
import type { FiguresService } from '../figures/figures.service';
import type { Location } from '../locations/locations.repository';
import type { LocationsService } from '../locations/locations.service';
import { locationCode, parseOrThrow } from '../validation';
import { chartPayload, type LocationBar } from '../charts/payload';
import type { ChartPayload } from '../charts/types';
import type { I18n } from '../i18n/i18n';
import type { AnalyseResult } from '../statistics';
import type { Situation } from '../situations/situation';

/** Query of the situation and location pages (and the PNG route): unknown keys are ignored, bad values are a 400. */
export const viewQuerySchema = z.object({
  location: locationCode().optional(),
  category: z.enum(CATEGORIES, { error: `must be one of ${CATEGORIES.join(', ')}` }).optional(),
  horizon: z.coerce.number({ error: 'must be a number of days' }).int('must be a whole number of days').min(1, 'must be at least 1 day').max(365, 'must be at most 365 days').optional(),
  /** `all`: every row of the long tables (the page shows the latest ones and links here). */
  rows: z.enum(['all'], { error: 'must be all' }).optional(),
});
export type ViewQuery = z.output<typeof viewQuerySchema>;
export const parseViewQuery = (q: unknown) => parseOrThrow(viewQuerySchema, q);

export interface Headline {
  latest: { date: string; value: number; quantifier: string } | null;
  change7: { value: number; from: string; to: string } | null;
  change7Reason: string | null;
  range: { date: string; low: number; central: number; high: number } | null;
  rangeReason: string | null;
  method: string | null;
}

export function headline(a: AnalyseResult): Headline {
  const last = a.series.points.at(-1);
  const rate = a.trend.sevenDayRate;
  const end = a.projections.range.points?.at(-1);
  const asOf = rate.asOf;
  return {
    latest: last ? { date: last.date, value: last.value, quantifier: last.quantifier } : null,
    // The 7-day rate is (y(t) − y(t − 7)) / 7, so seven times it is the change over the last 7 days.
    change7: rate.value != null && asOf ? { value: rate.value * 7, from: shiftIso(asOf, -7), to: asOf } : null,
    change7Reason: rate.reason,
    range: end ? { date: end.date, low: end.low, central: end.central, high: end.high } : null,
    rangeReason: a.projections.range.reason,
    method: a.projections.range.central.method,
  };
}

export const shiftIso = (iso: string, days: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** The latest approved figure per child location and location role (origin and destination never added together). */
export function latestByChild(children: Location[], figures: FigureRecord[]): LocationBar[] {
  const better = (a: FigureRecord, b: FigureRecord) =>
    a.periodEnd !== b.periodEnd ? a.periodEnd > b.periodEnd
      : a.role !== b.role ? a.role === 'recommended'
        : a.publishedOn !== b.publishedOn ? a.publishedOn > b.publishedOn : a.id > b.id;
  const bars: LocationBar[] = [];
  const byLocation = new Map<string, FigureRecord[]>();
  for (const f of figures) byLocation.set(f.location, [...(byLocation.get(f.location) ?? []), f]);
  for (const l of children) {
    const bar: LocationBar = { code: l.code, name: l.name, origin: null, destination: null, unknown: null };
    const best: Partial<Record<'origin' | 'destination' | 'unknown', FigureRecord>> = {};
    for (const f of byLocation.get(l.code) ?? []) if (!best[f.locationRole] || better(f, best[f.locationRole]!)) best[f.locationRole] = f;
    for (const r of ['origin', 'destination', 'unknown'] as const) if (best[r]) bar[r] = { value: best[r]!.value, date: best[r]!.periodEnd };
    if (bar.origin || bar.destination || bar.unknown) bars.push(bar);
  }
  return bars;
}

export interface SituationView {
  situation: Situation;
  analysis: AnalyseResult;
  location: Location;
  category: Category;
  locations: Location[];
  children: Location[];
  parent: Location | null;
  reported: FigureRecord[];
  bars: LocationBar[];
  headline: Headline;
  payload: ChartPayload;
}

export interface SituationViewDeps {
  analysis: AnalysisService;
  figures: FiguresService;
  locations: LocationsService;
}

/**
 * The situation views of one app (built by createApp, so two apps in one process share nothing): each view and
 * the HTML of its analysis part are kept under the situation's `updated_at` stamp, which every write moves.
 */
export class SituationViews {
  private readonly views = new Map<string, { stamp: string; view: SituationView }>();
  // The analysis part of a page (charts data, tables) holds nothing per user; the same view object means the same numbers.
  private readonly analysisHtml = new WeakMap<SituationView, Map<string, string>>();

  constructor(private readonly d: SituationViewDeps) {}

  /** Everything the situation page, the location page and the PNG route show for one location × category. */
  async load(slug: string, q: ViewQuery, i18n: I18n): Promise<SituationView> {
    const d = this.d;
    const x = await d.analysis.analyse(slug, { location: q.location, category: q.category, horizon: q.horizon });
    const key = JSON.stringify([slug, x.location, x.category, q.horizon ?? null, i18n.locale ?? null]);
    const hit = this.views.get(key);
    if (hit && hit.stamp === x.situation.updatedAt && hit.view.analysis === x.analysis) return hit.view;
    const locations = await d.locations.list(x.situation.country);
    const location = locations.find((l) => l.code === x.location)!;
    const children = locations.filter((l) => l.parentCode === location.code);
    // Only the location and its children: the rest of the situation's figures are not on this page.
    const { figures: all } = await d.figures.list(slug, { category: x.category, status: 'approved', locations: [location.code, ...children.map((c) => c.code)] }, undefined);
    const reported = all.filter((f) => f.location === location.code).sort((a, b) => a.periodEnd.localeCompare(b.periodEnd) || a.id - b.id);
    const bars = latestByChild(children, all);
    const organisations = [...new Set(all.map((f) => f.organisation))].sort();
    const title = location.code === x.situation.country ? x.situation.title : `${x.situation.title} · ${location.name}`;
    const view: SituationView = {
      situation: x.situation,
      analysis: x.analysis,
      location,
      category: x.category,
      locations,
      children,
      parent: locations.find((l) => l.code === location.parentCode) ?? null,
      reported,
      bars,
      headline: headline(x.analysis),
      payload: chartPayload({ title, analysis: x.analysis, figures: reported, bars, organisations, location, i18n }),
    };
    if (this.views.size > 200) this.views.clear();
    this.views.set(key, { stamp: x.situation.updatedAt, view });
    return view;
  }

  /** The rendered analysis part of a view under `key` (query and options), rendered once per view. */
  async analysisPart(v: SituationView, key: string, render: () => Promise<string>): Promise<string> {
    const byKey = this.analysisHtml.get(v) ?? new Map<string, string>();
    this.analysisHtml.set(v, byKey);
    const hit = byKey.get(key);
    if (hit !== undefined) return hit;
    const html = await render();
    byKey.set(key, html);
    return html;
  }
}
