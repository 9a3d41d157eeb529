/**
 * What the three chart builders share: dataset metadata, date conversion, tooltip wrapping, base options and
 * the plugins (white background, shaded projection zone, scenario labels). Chart.js types only.
 */
import { defaults, type Plugin, type TooltipItem, type ChartType } from 'chart.js';

export type Item = TooltipItem<ChartType>;
import { directionOf, formatters, translator, type Formatters } from '../i18n/format';
import type { ChartId, ChartPayload, ReportedPoint } from './types';
import { SCENARIO_COLOUR } from './palette';

/** What a dataset stands for; read by tooltips, the legend filter and the plugins below. */
export type Kind = 'reported' | 'reconciled' | 'band-low' | 'band-high' | 'projection-central' | 'range-low' | 'range-high' | 'curve' | 'scenario' | 'past' | 'bar';
export interface Meta {
  kind: Kind;
  /** Helper datasets (the lower edge of a band) stay out of the legend and tooltips. */
  helper?: boolean;
  /** For band edges: the other edge's values by x, so a tooltip can say "low–high". */
  pair?: Record<number, number>;
  value?: number;
}
export interface Pt {
  x: number;
  y: number;
  figure?: ReportedPoint;
}

// ISO dates become local midnight: the date-fns time adapter computes ticks in local time, in the browser and in Node alike.
const pad = (n: number) => String(n).padStart(2, '0');
export const toMs = (iso: string) => {
  const [y, m, d] = iso.split('-').map(Number);
  return new Date(y, m - 1, d).getTime();
};
export const toIso = (ms: number) => {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
};

/** Splits a long quote into lines for a tooltip (canvas text does not wrap). */
export function wrap(text: string, width = 64, maxLines = 6): string[] {
  const words = text.replace(/\s+/g, ' ').trim().split(' ');
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if (line && (line + ' ' + w).length > width) {
      lines.push(line);
      line = w;
      if (lines.length === maxLines) break;
    } else line = line ? `${line} ${w}` : w;
  }
  if (lines.length < maxLines && line) lines.push(line);
  else if (lines.length === maxLines) lines[maxLines - 1] += ' …';
  return lines;
}

export const meta = (ds: unknown): Meta => (ds as { dt?: Meta }).dt ?? { kind: 'bar' };

/** Fills the canvas white first: a PNG pasted into a report must not be transparent. */
export const background: Plugin = {
  id: 'dtBackground',
  beforeDraw(chart) {
    const { ctx, width, height } = chart;
    ctx.save();
    ctx.globalCompositeOperation = 'destination-over';
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, width, height);
    ctx.restore();
  },
};

/** Shades the projected part of the time axis and labels it, so projections never read as data. */
export function projectionZone(fromMs: number | null, label: string): Plugin {
  return {
    id: 'dtProjectionZone',
    beforeDatasetsDraw(chart) {
      if (fromMs == null) return;
      const { ctx, chartArea } = chart;
      const x = chart.scales.x.getPixelForValue(fromMs);
      if (!(x < chartArea.right)) return;
      const left = Math.max(x, chartArea.left);
      ctx.save();
      ctx.fillStyle = '#f2f2f2';
      ctx.fillRect(left, chartArea.top, chartArea.right - left, chartArea.bottom - chartArea.top);
      ctx.strokeStyle = '#595959';
      ctx.setLineDash([4, 4]);
      ctx.beginPath();
      ctx.moveTo(left, chartArea.top);
      ctx.lineTo(left, chartArea.bottom);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = '#404040';
      ctx.font = `italic 12px ${defaults.font.family ?? 'sans-serif'}`;
      ctx.textAlign = 'left';
      // Time runs left to right in every language, so the label and its arrow (pointing to the future) are laid out
      // left to right too; an Arabic word inside still reads right to left. (A canvas on an Arabic page inherits rtl.)
      ctx.direction = 'ltr';
      ctx.textBaseline = 'top';
      ctx.fillText(label, left + 6, chartArea.top + 4);
      ctx.restore();
    },
  };
}

/** Writes each scenario's label on its line ("WFP scenario: could reach 1.5 million"), not only in the legend. */
export const scenarioLabels: Plugin = {
  id: 'dtScenarioLabels',
  afterDatasetsDraw(chart) {
    const { ctx, chartArea } = chart;
    chart.data.datasets.forEach((ds, i) => {
      const m = meta(ds);
      if (m.kind !== 'scenario' || m.value == null || !chart.isDatasetVisible(i)) return;
      const y = chart.scales.y.getPixelForValue(m.value);
      if (y < chartArea.top || y > chartArea.bottom) return;
      ctx.save();
      ctx.font = `bold 12px ${defaults.font.family ?? 'sans-serif'}`;
      // Anchored at the left edge whatever the language; an Arabic label still reads right to left.
      ctx.textAlign = 'left';
      if (chart.options.plugins?.legend?.rtl) ctx.direction = 'rtl';
      ctx.textBaseline = 'bottom';
      ctx.lineWidth = 4;
      ctx.strokeStyle = '#ffffff';
      ctx.strokeText(String(ds.label), chartArea.left + 6, y - 3);
      ctx.fillStyle = SCENARIO_COLOUR;
      ctx.fillText(String(ds.label), chartArea.left + 6, y - 3);
      ctx.restore();
    });
  },
};

export type Target = 'browser' | 'png';

/** Who compiled a PNG and when: the source line under it names them ("compiled by … on …"). */
export interface Credit {
  /** The instance's name from the configuration. */
  by: string;
  /** The production date, YYYY-MM-DD. */
  date: string;
}

const SOURCE_LINE_HEIGHT = 22;

/**
 * Writes the source line under a PNG ("Source: OCHA, WFP; compiled by … on 6 December 2024."): a chart pasted into a
 * situation report must say where its numbers come from. Its text is in `options.plugins.dtSource.text`.
 */
export const sourceLine: Plugin = {
  id: 'dtSource',
  afterDraw(chart, _args, options: { text?: string }) {
    if (!options.text) return;
    const { ctx, width, height } = chart;
    ctx.save();
    // The chart's font family (render.ts picks one with Arabic glyphs for Arabic charts).
    ctx.font = `12px ${defaults.font.family ?? 'sans-serif'}`;
    ctx.fillStyle = '#404040';
    ctx.textBaseline = 'bottom';
    const rtl = chart.options.plugins?.legend?.rtl === true;
    ctx.direction = rtl ? 'rtl' : 'ltr';
    ctx.textAlign = rtl ? 'right' : 'left';
    ctx.fillText(options.text, rtl ? width - 8 : 8, height - 5, width - 16);
    ctx.restore();
  },
};

/** Translation, formatting and the options every chart shares (PNG: fixed size, title, subtitle and source line drawn). */
export function chartContext(payload: ChartPayload, target: Target, id: ChartId, credit?: Credit) {
  const t = translator(payload.messages, payload.locale.split('-')[0], payload.locale);
  const f = formatters(payload.locale);
  // Right-to-left languages mirror the legend and tooltips (Chart.js rtl); the time axis still runs left to right.
  const rtl = directionOf(payload.locale) === 'rtl';
  // Only an rtl chart names a text direction: Chart.js then reads the canvas style, which render.ts provides for server canvases.
  const dir = rtl ? { rtl, textDirection: 'rtl' } : { rtl };
  const png = target === 'png';
  const base = {
    responsive: !png,
    maintainAspectRatio: false,
    animation: false as const,
    devicePixelRatio: png ? 1 : undefined,
    locale: payload.locale,
    layout: { padding: { bottom: png && credit ? SOURCE_LINE_HEIGHT : 0 } },
  };
  const organisations = payload.sources[id];
  const source =
    png && credit
      ? t('chart.sourceLine', { organisations: organisations.length ? organisations.join(t('list.separator')) : '–', app: credit.by, date: f.dateWords(credit.date) })
      : '';
  // The title plugin has no rtl option: an Arabic title is wrapped in a right-to-left embedding (RLE … PDF) instead.
  const embed = (text: string) => (rtl ? `\u202B${text}\u202C` : text);
  const embedLines = (text: string | string[]) => (Array.isArray(text) ? text.map(embed) : embed(text));
  const titles = (name: string) => ({
    title: { display: png, text: embed(`${payload.title}: ${name}`), font: { size: 16, weight: 'bold' as const }, color: '#1a1a1a', padding: { top: 4, bottom: 2 } },
    subtitle: { display: png, text: embedLines(payload.subtitles[id]), color: '#404040', padding: { bottom: 8 } },
    dtSource: { text: embed(source) },
  });
  return { t, f, base, titles, dir, plugins: [background, sourceLine] };
}
export type ChartContext = ReturnType<typeof chartContext>;

/**
 * Date-axis labels: short dates, with the year on the first label and wherever the year changes ("28 Nov 2024",
 * "30 Nov", …, "1 Jan 2025"), so a chart pasted alone still says which year it shows.
 */
export function dateLabels(isos: string[], f: Pick<Formatters, 'dateShort' | 'dateShortYear'>): string[] {
  return isos.map((iso, i) => dateLabel(iso, i ? isos[i - 1] : null, f));
}

/** One label of `dateLabels`: the year when there is no label before it or the year has changed since. */
function dateLabel(iso: string, previous: string | null, f: Pick<Formatters, 'dateShort' | 'dateShortYear'>): string {
  return previous === null || iso.slice(0, 4) !== previous.slice(0, 4) ? f.dateShortYear(iso) : f.dateShort(iso);
}

/**
 * Options for a time axis whose labels follow `dateLabels`. Chart.js formats every candidate tick before it skips
 * those that would overlap, so the year is written once more on the ticks that are finally shown (afterFit).
 */
export function yearAwareTimeTicks(f: Pick<Formatters, 'dateShort' | 'dateShortYear'>) {
  const isoOf = (ticks: { value: number }[]) => ticks.map((tk) => toIso(Number(tk.value)));
  return {
    ticks: {
      maxRotation: 0,
      autoSkipPadding: 16,
      // Each label reads only its tick and the one before (Chart.js calls this once per tick: labelling them all each
      // time was quadratic, seconds of a blocked server for a few years of daily ticks).
      callback: (_v: unknown, i: number, ticks: { value: number }[]) => dateLabel(toIso(Number(ticks[i].value)), i ? toIso(Number(ticks[i - 1].value)) : null, f),
    },
    afterFit: (scale: { ticks: { value: number; label?: unknown }[] }) => {
      const labels = dateLabels(isoOf(scale.ticks), f);
      scale.ticks.forEach((tk, i) => (tk.label = labels[i]));
    },
  };
}

/** A line cut by the top of the value axis, with the label that says how high it goes. */
export interface AboveTop {
  label: string;
  /** For a narrow chart (a phone): the same without the explanation. */
  short: string;
  colour: string;
}

/**
 * Writes, at the top edge of the plot, one line per series that runs above the value axis (a scenario line, the
 * high end of the range), so a reader knows it goes higher than the chart shows. Text in `options.plugins.dtAboveTop.labels`.
 */
export const aboveTopLabels: Plugin = {
  id: 'dtAboveTop',
  afterDatasetsDraw(chart, _args, options: { labels?: AboveTop[] }) {
    const labels = options.labels ?? [];
    if (!labels.length) return;
    const { ctx, chartArea } = chart;
    ctx.save();
    ctx.font = 'bold 12px DejaVu Sans, Liberation Sans, Arial, sans-serif';
    ctx.textBaseline = 'top';
    ctx.textAlign = 'right';
    // An Arabic label ("↑ … (above the top of this chart)") is laid out right to left, as the source line is.
    ctx.direction = chart.options.plugins?.legend?.rtl === true ? 'rtl' : 'ltr';
    ctx.lineWidth = 4;
    ctx.strokeStyle = '#ffffff';
    const room = Math.max(40, chartArea.right - chartArea.left - 12);
    // Below the "projection →" label, which sits on the first line of the plot.
    labels.forEach((l, i) => {
      const y = chartArea.top + 22 + i * 16;
      const text = ctx.measureText(l.label).width <= room ? l.label : l.short;
      ctx.strokeText(text, chartArea.right - 6, y, room);
      ctx.fillStyle = l.colour;
      ctx.fillText(text, chartArea.right - 6, y, room);
    });
    ctx.restore();
  },
};

export { niceCeil } from './axis';
