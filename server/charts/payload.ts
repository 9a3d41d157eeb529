import type { AnalyseResult } from '../statistics';
import { scenarioLabel } from '../i18n/reason';
export { scenarioLabel };
import type { FigureRecord } from '../figures/figures.repository';
import type { Location } from '../locations/locations.repository';
import type { I18n } from '../i18n/i18n';
import type { ChartPayload } from './types';

export interface BarValue {
  value: number;
  date: string;
  organisation: string;
}
export interface LocationBar {
  code: string;
  name: string;
  origin: BarValue | null;
  destination: BarValue | null;
  unknown: BarValue | null;
  /** A non-administrative area (such as "North-east Syria"): it overlaps the administrative places beside it. */
  area: boolean;
}

export interface PayloadInput {
  title: string;
  analysis: AnalyseResult;
  /** Approved figures at the location itself (the reported points). */
  figures: FigureRecord[];
  bars: LocationBar[];
  organisations: string[];
  location: Location;
  i18n: I18n;
}

const rank = (order: string[], name: string) => {
  const i = order.indexOf(name);
  return i < 0 ? order.length : i;
};

/** Whole people, rounded half away from zero like Intl.NumberFormat: projections carry fractions nobody can see on a chart. */
const whole = (x: number) => Math.sign(x) * Math.round(Math.abs(x));

const withAreaNote = (subtitle: string, note: string | null): string | string[] => (note ? [subtitle, note] : subtitle);

/** The chart data of a situation or location page; pure, so the page and the PNG route build the same document. */
export function chartPayload(x: PayloadInput): ChartPayload {
  const { analysis: a, i18n } = x;
  const range = a.projections.range;
  const lastDate = a.series.points.at(-1)?.date;
  const category = i18n.label('category', a.input.category);
  const barValues = x.bars.flatMap((b) => [b.origin, b.destination, b.unknown].filter((v): v is BarValue => v != null));
  const barDates = barValues.map((v) => v.date).sort();
  // Sources in the page's colour order: the organisations whose numbers a chart actually draws.
  const ordered = (names: Iterable<string>) => [...new Set(names)].sort((p, q) => rank(x.organisations, p) - rank(x.organisations, q) || p.localeCompare(q));
  const recommendedOrAll = (sources: { organisation: string; role: string }[]) => {
    const rec = sources.filter((s) => s.role === 'recommended');
    return (rec.length ? rec : sources).map((s) => s.organisation);
  };
  const quoted = a.projections.scenarios.flatMap((s) => (s.value !== undefined && s.organisation !== undefined ? [s.organisation] : []));
  return {
    locale: i18n.locale,
    messages: i18n.subset(['chart.', 'quantifier.', 'list.']),
    title: x.title,
    subtitles: {
      series: i18n.t('chart.subtitle', { location: x.location.name, category, date: lastDate ? i18n.dateWords(lastDate) : '–' }),
      locations: withAreaNote(
        barDates.length
          ? i18n.t(barDates[0] === barDates.at(-1) ? 'chart.subtitleLocations.oneDate' : 'chart.subtitleLocations', {
              location: x.location.name,
              category,
              from: i18n.dateWords(barDates[0]),
              to: i18n.dateWords(barDates.at(-1)!),
            })
          : i18n.t('chart.subtitleLocations.none', { location: x.location.name, category }),
        // An area's bar overlaps the places beside it: the image pasted into a report says so under its title.
        x.bars.some((b) => b.area) ? i18n.t('chart.locations.areaNote') : null,
      ),
      changes: i18n.t('chart.subtitleChanges', { location: x.location.name, category, date: lastDate ? i18n.dateWords(lastDate) : '–' }),
    },
    sources: {
      series: ordered([
        ...x.figures.map((f) => f.organisation),
        ...a.series.points.flatMap((p) => recommendedOrAll(p.sources)),
        ...a.series.band.flatMap((b) => b.sources.map((s) => s.organisation)),
        ...quoted,
      ]),
      locations: ordered(barValues.map((v) => v.organisation)),
      changes: ordered(a.series.points.flatMap((p) => recommendedOrAll(p.sources))),
    },
    organisations: x.organisations,
    series: {
      reported: x.figures.map((f) => ({
        id: f.id,
        date: f.periodEnd,
        value: f.value,
        valueLow: f.valueLow,
        valueHigh: f.valueHigh,
        quantifier: f.quantifier,
        organisation: f.organisation,
        role: f.role,
        quote: f.quote,
      })),
      reconciled: a.series.points.map((p) => ({ date: p.date, value: p.value, kind: p.kind, bound: p.bound })),
      band: a.series.band.map((b) => ({ date: b.date, low: b.low, high: b.high })),
      projection: range.points ? { points: range.points.map((p) => ({ date: p.date, low: whole(p.low), central: whole(p.central), high: whole(p.high) })) } : null,
      curves: a.projections.scenarios.flatMap((s) =>
        s.points ? [{ kind: s.kind, label: scenarioLabel(s, i18n), points: s.points.map((p) => ({ date: p.date, value: whole(p.value) })) }] : [],
      ),
      scenarios: a.projections.scenarios.flatMap((s) =>
        s.value !== undefined && s.organisation !== undefined ? [{ organisation: s.organisation, kind: s.kind, value: s.value, horizonDate: s.horizonDate ?? null }] : [],
      ),
      past: a.projections.backtest.past.map((p) => ({
        date: p.date,
        target: p.target,
        low: whole(p.low),
        central: whole(p.central),
        high: whole(p.high),
        actual: whole(p.actual),
        held: p.held,
      })),
    },
    locations: x.bars.map((b) => ({
      code: b.code,
      name: b.area ? i18n.t('chart.locations.area', { name: b.name }) : b.name,
      origin: b.origin?.value ?? null,
      destination: b.destination?.value ?? null,
      unknown: b.unknown?.value ?? null,
    })),
    changes: a.trend.changes.map((c) => ({ from: c.from, to: c.to, days: c.days, change: c.change, perDay: whole(c.perDay) })),
  };
}

/** `<script type="application/json">` content: JSON with `<`, `>`, `&` and line separators escaped so no text can close the element. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
