/**
 * What the three chart builders share: dataset metadata, date conversion, tooltip wrapping, base options and
 * the plugins (white background, shaded projection zone, scenario labels). Chart.js types only.
 */
import { defaults, type Plugin, type TooltipItem, type ChartType } from 'chart.js';

export type Item = TooltipItem<ChartType>;
import { directionOf, formatters, translator } from '../i18n/format';
import type { ChartPayload, ReportedPoint } from './types';
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

/** Translation, formatting and the options every chart shares (PNG: fixed size, title and subtitle drawn). */
export function chartContext(payload: ChartPayload, target: Target) {
  const t = translator(payload.messages, payload.locale.split('-')[0], payload.locale);
  const f = formatters(payload.locale);
  // Right-to-left languages mirror the legend and tooltips (Chart.js rtl); the time axis still runs left to right.
  const rtl = directionOf(payload.locale) === 'rtl';
  const dir = { rtl, textDirection: rtl ? 'rtl' : 'ltr' };
  const png = target === 'png';
  const base = {
    responsive: !png,
    maintainAspectRatio: false,
    animation: false as const,
    devicePixelRatio: png ? 1 : undefined,
    locale: payload.locale,
  };
  // The title plugin has no rtl option: an Arabic title is wrapped in a right-to-left embedding (RLE … PDF) instead.
  const embed = (text: string) => (rtl ? `\u202B${text}\u202C` : text);
  const titles = (name: string) => ({
    title: { display: png, text: embed(`${payload.title}: ${name}`), font: { size: 16, weight: 'bold' as const }, color: '#1a1a1a', padding: { top: 4, bottom: 2 } },
    subtitle: { display: png, text: embed(payload.subtitle), color: '#404040', padding: { bottom: 8 } },
  });
  return { t, f, base, titles, dir, plugins: [background] };
}
export type ChartContext = ReturnType<typeof chartContext>;

/** A round axis maximum at or above v: 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 × a power of ten. */
export function niceCeil(v: number): number {
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}
