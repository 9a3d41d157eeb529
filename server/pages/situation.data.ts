import { z } from 'zod';
import type { AnalysisService } from '../analysis/analysis.service';
import { CATEGORIES, type Category } from '../figures/figure';
import type { FigureRecord } from '../figures/figures.repository';
import type { FiguresService } from '../figures/figures.service';
import type { Location } from '../locations/locations.repository';
import type { LocationsService } from '../locations/locations.service';
import { locationCode, parseOrThrow, toFieldErrors, oneOf } from '../validation';
import { validationFailed, type FieldError } from '../errors';
import { chartPayload, scenarioLabel, type LocationBar } from '../charts/payload';
import type { ChartPayload } from '../charts/types';
import type { I18n } from '../i18n/i18n';
import { reasonText } from '../i18n/reason';
import { HOLT_ALPHA, HOLT_BETA } from '../statistics/holt-projection';
import { LOGLINEAR_MAX_DAYS_WITHOUT_CEILING } from '../statistics/loglinear-projection';
import type { AnalyseResult, Reason } from '../statistics';
import type { Situation } from '../situations/situation';
import { coded } from '../i18n/field-errors';

/** Query of the situation and location pages (and the PNG route): unknown keys are ignored, bad values are a 400. */
export const viewQuerySchema = z.object({
  location: locationCode().optional(),
  category: z.enum(CATEGORIES, { error: oneOf(CATEGORIES) }).optional(),
  horizon: z.coerce
    .number({ error: coded('days_not_number') })
    .int(coded('days_not_whole'))
    .min(1, coded('days_at_least', { count: 1 }))
    .max(365, coded('days_at_most', { count: 365 }))
    .optional(),
  /** `all`: every row of the long tables (the page shows the latest ones and links here). */
  rows: z.enum(['all'], { error: coded('one_of', { values: 'all' }) }).optional(),
});
/** Pages open on 7 days, the horizon coordinators plan on (the API's default stays PROJECTION_HORIZON_DAYS). */
export const PAGE_HORIZON_DAYS = 7;

export type ViewQuery = z.output<typeof viewQuerySchema>;
export const parseViewQuery = (q: unknown) => parseOrThrow(viewQuerySchema, q);

/** The horizon field of a page: what to show in it, and its error when the value asked for could not be used. */
export interface HorizonField {
  value: string;
  error: FieldError | null;
}

/**
 * The query of a page with a horizon field (situation, location, sitrep). A horizon that cannot be used does not
 * replace the page with an error page: the page is drawn at the default horizon, with the error beside the field and
 * in the error summary (status 400). Any other bad value is still the 400 error page.
 */
export function parsePageQuery(query: unknown): { q: ViewQuery; errors: FieldError[]; horizon: HorizonField | null } {
  const raw = (query ?? {}) as Record<string, unknown>;
  const r = viewQuerySchema.safeParse(raw);
  if (r.success) return { q: r.data, errors: [], horizon: null };
  const errors = toFieldErrors(r.error);
  if (errors.some((e) => e.path !== 'horizon')) throw validationFailed(errors);
  const { horizon, ...rest } = raw;
  // Shown back as typed (a repeated parameter as its first value), cut short: the field is four characters wide.
  const typed = String(Array.isArray(horizon) ? horizon[0] : (horizon ?? '')).slice(0, 40);
  return { q: parseViewQuery(rest), errors, horizon: { value: typed, error: errors[0] } };
}

export interface Headline {
  latest: { date: string; value: number; quantifier: string } | null;
  change7: { value: number; from: string; to: string } | null;
  change7Reason: Reason | null;
  range: { date: string; low: number; central: number; high: number } | null;
  rangeReason: Reason | null;
  /** How often the range held at this horizon in past tests on this series. */
  trackRecord: { held: number; n: number } | null;
  /** Where the range passes a quoted ceiling, in words beside the numbers. */
  ceilingNotes: Reason[];
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
    ceilingNotes: a.projections.range.notes,
    trackRecord: a.projections.range.trackRecord.n ? { held: a.projections.range.trackRecord.held, n: a.projections.range.trackRecord.n } : null,
  };
}

export const shiftIso = (iso: string, days: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/**
 * The latest approved figure per child location and location role (origin and destination never added together);
 * the administrative places first, then the areas, which overlap them.
 */
export function latestByChild(children: Location[], figures: FigureRecord[]): LocationBar[] {
  const better = (a: FigureRecord, b: FigureRecord) =>
    a.periodEnd !== b.periodEnd
      ? a.periodEnd > b.periodEnd
      : a.role !== b.role
        ? a.role === 'recommended'
        : a.publishedOn !== b.publishedOn
          ? a.publishedOn > b.publishedOn
          : a.id > b.id;
  const bars: LocationBar[] = [];
  const byLocation = new Map<string, FigureRecord[]>();
  for (const f of figures) byLocation.set(f.location, [...(byLocation.get(f.location) ?? []), f]);
  for (const l of [...children.filter((c) => !c.isArea), ...children.filter((c) => c.isArea)]) {
    const bar: LocationBar = { code: l.code, name: l.name, origin: null, destination: null, unknown: null, area: l.isArea };
    const best: Partial<Record<'origin' | 'destination' | 'unknown', FigureRecord>> = {};
    for (const f of byLocation.get(l.code) ?? []) if (!best[f.locationRole] || better(f, best[f.locationRole]!)) best[f.locationRole] = f;
    for (const r of ['origin', 'destination', 'unknown'] as const) if (best[r]) bar[r] = { value: best[r]!.value, date: best[r]!.periodEnd, organisation: best[r]!.organisation };
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

  /** The situation's organisations for chart styles, read once per data version (the stamp moves with every write). */
  private readonly orgLists = new Map<string, { stamp: string; names: Promise<string[]> }>();
  private organisationsOf(situation: Situation): Promise<string[]> {
    const hit = this.orgLists.get(situation.slug);
    if (hit && hit.stamp === situation.updatedAt) return hit.names;
    const names = this.d.figures.approvedOrganisations(situation);
    if (this.orgLists.size > 200) this.orgLists.clear();
    this.orgLists.set(situation.slug, { stamp: situation.updatedAt, names });
    names.catch(() => this.orgLists.delete(situation.slug));
    return names;
  }

  /** Everything the situation page, the location page and the PNG route show for one location × category. */
  async load(slug: string, q: ViewQuery, i18n: I18n): Promise<SituationView> {
    const d = this.d;
    const x = await d.analysis.analyse(slug, { location: q.location, category: q.category, horizon: q.horizon ?? PAGE_HORIZON_DAYS });
    const key = JSON.stringify([slug, x.location, x.category, q.horizon ?? null, i18n.locale ?? null]);
    const hit = this.views.get(key);
    if (hit && hit.stamp === x.situation.updatedAt && hit.view.analysis === x.analysis) return hit.view;
    // Names in the page's language (the view is kept per locale), so tables, charts and titles agree.
    const locations = i18n.places(await d.locations.list(x.situation.country));
    const location = locations.find((l) => l.code === x.location)!;
    const children = locations.filter((l) => l.parentCode === location.code);
    // Only the location and its children: the rest of the situation's figures are not on this page.
    const { figures: all } = await d.figures.list(slug, { category: x.category, status: 'approved', locations: [location.code, ...children.map((c) => c.code)] }, undefined);
    const reported = all.filter((f) => f.location === location.code).sort((a, b) => a.periodEnd.localeCompare(b.periodEnd) || a.id - b.id);
    const bars = latestByChild(children, all);
    // Colours and marker shapes follow the situation's whole list of organisations, so a source looks the same on
    // every page and chart of the situation.
    const organisations = await this.organisationsOf(x.situation);
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

/**
 * What the analysis partial shows, worked out here so the template only prints: lookup tables for the series
 * table, the projection in one sentence with its track record, the scenario and methods rows, and every URL.
 */
export function analysisPage(v: SituationView, q: ViewQuery, i18n: I18n, csvNames: readonly string[]) {
  const a = v.analysis;
  const pr = a.projections;
  const range = pr.range;
  const people = (n: number) => i18n.people(n);
  const bandByDate = new Map(a.series.band.map((b) => [b.date, b]));
  const pointByDate = new Map(a.series.points.map((p) => [p.date, p]));
  const locName = new Map(v.locations.map((l) => [l.code, l.name]));
  const seriesRows = [...new Set([...bandByDate.keys(), ...pointByDate.keys()])].sort().map((date) => {
    const point = pointByDate.get(date) ?? null;
    const band = bandByDate.get(date) ?? null;
    // Every figure behind the row: the reconciled value's sources, then the others that set the lowest and highest
    // (a triangulation figure widens the band without entering the series, and its source is named as well).
    const seen = new Set((point?.sources ?? []).map((x) => x.figureId));
    const srcs = [...(point?.sources ?? []), ...(band?.sources ?? []).filter((x) => !seen.has(x.figureId) && seen.add(x.figureId))];
    const sources =
      srcs
        .slice(0, 8)
        .map((s) => `${s.organisation} ${i18n.number(s.value)}${s.location !== v.location.code ? ` (${locName.get(s.location) ?? s.location})` : ''}`)
        .join('; ') + (srcs.length > 8 ? `; ${i18n.t('col.moreSources', { count: i18n.number(srcs.length - 8) })}` : '');
    return { date, point, band, sources };
  });

  const tr = range.trackRecord;
  const end = range.points?.at(-1) ?? null;
  const record = tr.n > 0 ? i18n.t('projection.heldRecord', { held: tr.held, n: tr.n }) : i18n.t('projection.noRecord', { reason: reasonText(tr.reason, i18n) });
  const sentence = end
    ? i18n.t('projection.sentence', { low: people(end.low), high: people(end.high), date: i18n.dateWords(end.date), record })
    : i18n.t('projection.none', { reason: reasonText(range.reason, i18n) });
  const central = end ? i18n.t('projection.centralSentence', { central: people(end.central) }) : null;
  const stats = (s: { n: number; mape: number | null; mase: number | null; held: number }) => ({
    n: s.n,
    mape: s.mape == null ? '–' : `${i18n.number(s.mape, 1)} %`,
    mase: s.mase == null ? '–' : i18n.number(s.mase, 2),
    held: s.n ? i18n.t('backtest.heldOf', { held: s.held, n: s.n }) : '–',
  });
  const trackRows = tr.n
    ? [
        { name: i18n.t('backtest.published'), ...stats(tr) },
        { name: i18n.t('backtest.naive'), ...stats(tr.baselines.naive) },
        { name: i18n.t('backtest.drift8'), ...stats(tr.baselines.drift8) },
      ]
    : [];
  const beats =
    tr.n && tr.mape != null && tr.baselines.naive.mape != null && tr.baselines.drift8.mape != null
      ? i18n.t(tr.mape < tr.baselines.naive.mape && tr.mape < tr.baselines.drift8.mape ? 'backtest.beats' : 'backtest.doesNotBeat', {
          mape: i18n.number(tr.mape, 1),
          naive: i18n.number(tr.baselines.naive.mape, 1),
          drift8: i18n.number(tr.baselines.drift8.mape, 1),
        })
      : null;

  const scenarios = pr.scenarios.map((s) => {
    const reach = s.timeToThreshold.filter((x) => x.date).map((x) => i18n.t('scenarioLine.reaches', { value: people(x.threshold), date: i18n.dateWords(x.date!) }));
    const quoted = s.value !== undefined;
    return {
      name: scenarioLabel(s, i18n),
      value: quoted ? i18n.number(s.value!) : s.points ? people(s.points.at(-1)!.value) : '–',
      by: quoted ? (s.horizonDate ? s.horizonDate : null) : (s.points?.at(-1)?.date ?? null),
      quote: s.quote ?? null,
      // A quoted value: when the published central would reach it; a curve: when it reaches each threshold.
      when: quoted
        ? s.timeToThreshold[0]?.date
          ? i18n.t('scenarioLine.centralReaches', { date: i18n.dateWords(s.timeToThreshold[0].date) })
          : i18n.t('scenarioLine.centralNotReached')
        : reach.length
          ? reach.join('; ')
          : i18n.t('projection.notReached'),
    };
  });

  const methodRows = Object.values(pr.methods).map((m) => {
    const last = m.points?.at(-1) ?? null;
    const bt = pr.backtest.methods?.[m.method] ?? null;
    return {
      name: i18n.t(`method.${m.method}.name`),
      description: methodDescription(m.method, pr.ceiling?.value ?? null, i18n),
      central: last ? i18n.number(last.central) : null,
      range80: last ? i18n.t('chart.range', { low: i18n.number(last.lo80), high: i18n.number(last.hi80) }) : null,
      range95: last ? i18n.t('chart.range', { low: i18n.number(last.lo95), high: i18n.number(last.hi95) }) : null,
      reason: last ? null : reasonText(m.reason, i18n),
      parameters: m.parameters
        ? Object.entries(m.parameters)
            .map(([k, x]) => `${k} ${i18n.number(x, Math.abs(x) < 10 ? 4 : 0)}`)
            .join(', ')
        : '',
      track:
        bt && bt.n
          ? {
              n: bt.n,
              mape: bt.mape == null ? '–' : `${i18n.number(bt.mape, 1)} %`,
              mase: bt.mase == null ? '–' : i18n.number(bt.mase, 2),
              cov80: i18n.percent(bt.coverage80),
              cov95: i18n.percent(bt.coverage95),
            }
          : null,
      trackReason: bt && !bt.n ? reasonText(bt.reason, i18n) : null,
      ceilingNote: last && pr.ceiling ? methodCeilingNote(last, pr.ceiling, i18n) : null,
    };
  });

  const slugPath = `/situations/${encodeURIComponent(v.situation.slug)}`;
  // Long tables show their latest rows; ?rows=all (linked under each) shows every row, and the CSV downloads hold them all.
  // A coordinator reads the recent end first, and a 300-location situation would otherwise weigh ~330 KB (BENCHMARKS.md P5).
  const full = q.rows === 'all';
  const latest = <T>(list: readonly T[]): readonly T[] => (full ? list : list.slice(-ROWS));
  const moreRows = (total: number, anchor: string, action: string) => {
    if (full || total <= ROWS) return null;
    const qs = new URLSearchParams();
    if (q.location) qs.set('location', q.location);
    if (q.category) qs.set('category', q.category);
    if (q.horizon) qs.set('horizon', String(q.horizon));
    qs.set('rows', 'all');
    return {
      text: i18n.t('rows.latest', { shown: i18n.number(ROWS), total: i18n.number(total) }),
      href: `${action}?${qs}#${anchor}`,
      link: i18n.t('rows.showAll', { total: i18n.number(total) }),
    };
  };
  // The location list: the country, its first level, and the chosen location's own line (ancestors, itself, children);
  // deeper places are reached from the links under "Locations" (all of them with ?rows=all).
  const onPath = new Set<string>();
  for (let at: Location | undefined = v.location; at; at = v.locations.find((l) => l.code === at!.parentCode)) onPath.add(at.code);
  const selectable = full
    ? v.locations
    : v.locations.filter((l) => l.adminLevel <= 1 || onPath.has(l.code) || l.parentCode === v.location.code || (v.location.parentCode && l.parentCode === v.location.parentCode));
  const scope = `location=${encodeURIComponent(v.location.code)}&category=${v.category}&horizon=${a.input.horizonDays}`;
  return {
    full,
    latest,
    moreRows,
    selectable,
    seriesRows,
    sentence,
    central,
    ceilingNotes: range.notes.map((n) => reasonText(n, i18n)),
    trackRows,
    beats,
    horizonDays: a.input.horizonDays,
    past: pr.backtest.past,
    scenarios,
    methodRows,
    trend: {
      sevenDay: reasonText(a.trend.sevenDayRate.reason, i18n),
      doubling: reasonText(a.trend.doublingTimeDays.reason, i18n),
      growth: reasonText(a.trend.growthRate.reason, i18n),
    },
    slugPath,
    locationHref: (code: string) => `${slugPath}/locations/${encodeURIComponent(code)}`,
    csv: csvNames.map((name) => csvLink(slugPath, name, scope)),
    readmeHref: `${slugPath}/export/README.txt`,
    seriesJson: `/api/v1${slugPath}/series?location=${encodeURIComponent(v.location.code)}&category=${v.category}`,
    projectionsJson: `/api/v1${slugPath}/projections?${scope}`,
    backtestJson: `/api/v1${slugPath}/backtest?${scope}`,
  };
}
export type AnalysisPage = ReturnType<typeof analysisPage>;

/**
 * One CSV download, plain, with the HXL row, and for Excel (with a byte order mark), for the page's location,
 * category and horizon (`scope`). The figures file holds every approved figure of the situation (its location and
 * category filters are the figures list's), and the readable summary has no HXL variant.
 */
function csvLink(slugPath: string, name: string, scope: string) {
  const base = `${slugPath}/export/${name}.csv`;
  const query = name === 'figures' ? '' : scope;
  const href = (extra: string) => (query || extra ? `${base}?${[query, extra].filter(Boolean).join('&')}` : base);
  return { name, href: href(''), hxlHref: name === 'summary-readable' ? null : href('hxl=1'), excelHref: href('bom=1') };
}

/** Rows a long table shows before its "show all" link. */
const ROWS = 30;

/** A method's description in the page's language (the statistics module's own text is English, for the API). */
function methodDescription(method: string, ceiling: number | null, i18n: I18n): string {
  const params = { ceiling: ceiling == null ? null : i18n.number(ceiling), days: LOGLINEAR_MAX_DAYS_WITHOUT_CEILING, alpha: HOLT_ALPHA, beta: HOLT_BETA };
  const capped = method === 'logistic' || method === 'loglinear';
  return i18n.t(`method.${method}.description${capped && ceiling == null ? 'NoCeiling' : ''}`, params);
}

/** An alternative method's numbers at the horizon that pass the quoted ceiling, said in words beside them (null: none does). */
function methodCeilingNote(last: { central: number; hi80: number; hi95: number }, ceiling: { value: number; organisation: string }, i18n: I18n): string | null {
  const key =
    last.central > ceiling.value
      ? 'methods.centralAboveCeiling'
      : last.hi80 > ceiling.value
        ? 'methods.range80AboveCeiling'
        : last.hi95 > ceiling.value
          ? 'methods.range95AboveCeiling'
          : null;
  return key ? i18n.t(key, { organisation: ceiling.organisation, ceiling: i18n.number(ceiling.value) }) : null;
}
