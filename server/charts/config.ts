/**
 * The one chart-configuration builder. The browser bundle (public/src/charts.ts) and the PNG renderer
 * (render.ts) both call `chartConfig(id, payload, target)`, so what is downloaded as PNG is what the page shows.
 * It imports Chart.js types only: the caller supplies the Chart.js runtime (ES module in the browser,
 * CommonJS in Node). Every text comes from the payload's translated messages; numbers and dates go
 * through Intl for the payload's locale.
 */
import type { ChartConfiguration, Plugin, TooltipItem, Chart, ChartType } from 'chart.js';

type Item = TooltipItem<ChartType>;
import { formatters, translator, type Params } from '../i18n/format';
import type { ChartId, ChartPayload, ReportedPoint } from './types';
import {
  HIGH_COLOUR, PROJECTION_COLOUR, ROLE_COLOURS, SCENARIO_COLOUR, SERIES_COLOUR, organisationStyle, withAlpha,
} from './palette';

export type Target = 'browser' | 'png';

/** What a dataset stands for; read by tooltips, the legend filter and the plugins below. */
type Kind =
  | 'reported' | 'reconciled' | 'band-low' | 'band-high' | 'fan-central' | 'fan80-low' | 'fan80-high'
  | 'fan95-low' | 'fan95-high' | 'high' | 'scenario' | 'bar';
interface Meta {
  kind: Kind;
  /** Helper datasets (the lower edge of a band) stay out of the legend and tooltips. */
  helper?: boolean;
  /** For band edges: the other edge's values by x, so a tooltip can say "low–high". */
  pair?: Record<number, number>;
  value?: number;
}
interface Pt {
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
function wrap(text: string, width = 64, maxLines = 6): string[] {
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

const meta = (ds: unknown): Meta => ((ds as { dt?: Meta }).dt ?? { kind: 'bar' });

/** Fills the canvas white first: a PNG pasted into a report must not be transparent. */
const background: Plugin = {
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
function projectionZone(fromMs: number | null, label: string): Plugin {
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
      ctx.font = 'italic 12px sans-serif';
      ctx.textBaseline = 'top';
      ctx.fillText(label, left + 6, chartArea.top + 4);
      ctx.restore();
    },
  };
}

/** Writes each scenario's label on its line ("WFP scenario: could reach 1.5 million"), not only in the legend. */
const scenarioLabels: Plugin = {
  id: 'dtScenarioLabels',
  afterDatasetsDraw(chart) {
    const { ctx, chartArea } = chart;
    chart.data.datasets.forEach((ds, i) => {
      const m = meta(ds);
      if (m.kind !== 'scenario' || m.value == null || !chart.isDatasetVisible(i)) return;
      const y = chart.scales.y.getPixelForValue(m.value);
      if (y < chartArea.top || y > chartArea.bottom) return;
      ctx.save();
      ctx.font = 'bold 12px sans-serif';
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

export function chartConfig(id: ChartId, payload: ChartPayload, target: Target): ChartConfiguration {
  const t = translator(payload.messages);
  const f = formatters(payload.locale);
  const png = target === 'png';
  const base = {
    responsive: !png,
    maintainAspectRatio: false,
    animation: false as const,
    devicePixelRatio: png ? 1 : undefined,
    locale: payload.locale,
  };
  const titles = (name: string) => ({
    title: { display: png, text: `${payload.title}: ${name}`, font: { size: 16, weight: 'bold' as const }, color: '#1a1a1a', padding: { top: 4, bottom: 2 } },
    subtitle: { display: png, text: payload.subtitle, color: '#404040', padding: { bottom: 8 } },
  });
  const quantified = (q: string, v: string) => t(`chart.quantified.${q}`, { value: v });
  const plugins = [background];

  if (id === 'locations') {
    const rows = payload.locations;
    const roles = (['origin', 'destination', 'unknown'] as const).filter((r) => rows.some((l) => l[r] != null));
    return {
      type: 'bar',
      data: {
        labels: rows.map((l) => l.name),
        datasets: roles.map((r) => ({
          label: t(`chart.role.${r}`),
          data: rows.map((l) => l[r]),
          backgroundColor: ROLE_COLOURS[r],
          borderColor: ROLE_COLOURS[r],
          maxBarThickness: 36,
          dt: { kind: 'bar' },
        })) as never,
      },
      options: {
        ...base,
        indexAxis: 'y',
        scales: {
          x: { beginAtZero: true, ticks: { callback: (v) => f.compact(Number(v)) }, title: { display: true, text: t('chart.axis.people') } },
          y: { ticks: { autoSkip: false } },
        },
        plugins: {
          ...titles(t('chart.locations.name')),
          legend: { position: 'top' },
          tooltip: {
            callbacks: {
              label: (item: Item) => `${item.dataset.label}: ${f.number(item.parsed.x)}`,
            },
          },
        },
      },
      plugins,
    } as ChartConfiguration;
  }

  if (id === 'changes') {
    const rows = payload.changes;
    return {
      type: 'bar',
      data: {
        labels: rows.map((c) => f.dateShort(c.to)),
        datasets: [{ label: t('chart.changes.perDay'), data: rows.map((c) => c.perDay), backgroundColor: '#595959', maxBarThickness: 56, dt: { kind: 'bar' } } as never],
      },
      options: {
        ...base,
        scales: {
          x: { title: { display: true, text: t('chart.changes.axis') } },
          y: { beginAtZero: true, ticks: { callback: (v) => f.compact(Number(v)) }, title: { display: true, text: t('chart.axis.perDay') } },
        },
        plugins: {
          ...titles(t('chart.changes.name')),
          legend: { display: false },
          tooltip: {
            callbacks: {
              title: (items: Item[]) => {
                const c = rows[items[0].dataIndex];
                return t('chart.changes.period', { from: f.dateWords(c.from), to: f.dateWords(c.to), days: c.days });
              },
              label: (item: Item) => {
                const c = rows[item.dataIndex];
                return [t('chart.changes.perDayValue', { value: f.number(c.perDay) }), t('chart.changes.total', { value: f.number(c.change) })];
              },
            },
          },
        },
      },
      plugins,
    } as ChartConfiguration;
  }

  // The main chart: reported points by source, reconciled line, triangulation band, projection fan, scenario lines.
  const s = payload.series;
  const datasets: Record<string, unknown>[] = [];
  const add = (ds: Record<string, unknown>, m: Meta) => datasets.push({ ...ds, dt: m });
  // Lines have no markers (their legend shows a line); only reported figures are drawn as points.
  const line = { pointRadius: 0, pointHoverRadius: 0, pointHitRadius: 6, pointStyle: 'line', tension: 0, spanGaps: true };

  const orgs = [...new Set(s.reported.map((p) => p.organisation))].sort((a, b) => payload.organisations.indexOf(a) - payload.organisations.indexOf(b));
  for (const org of orgs) {
    const { colour, shape } = organisationStyle(payload.organisations, org);
    add(
      {
        type: 'line',
        label: t('chart.series.reported', { organisation: org }),
        data: s.reported.filter((p) => p.organisation === org).map((p): Pt => ({ x: toMs(p.date), y: p.value, figure: p })),
        showLine: false,
        pointStyle: shape,
        pointRadius: 6,
        pointHoverRadius: 8,
        pointHitRadius: 8,
        backgroundColor: colour,
        borderColor: '#1a1a1a',
        borderWidth: 1,
        order: 0,
      },
      { kind: 'reported' },
    );
  }
  add(
    { type: 'line', label: t('chart.series.reconciled'), data: s.reconciled.map((p) => ({ x: toMs(p.date), y: p.value })), borderColor: SERIES_COLOUR, backgroundColor: SERIES_COLOUR, borderWidth: 2.5, ...line, order: 1 },
    { kind: 'reconciled' },
  );
  // Bands are two datasets: the lower edge (a helper), then the upper edge filled down to it.
  const band = (kindLow: Kind, kindHigh: Kind, label: string, rows: { x: number; lo: number; hi: number }[], fill: string, border: string, dash: number[], order: number) => {
    const los = Object.fromEntries(rows.map((r) => [r.x, r.lo]));
    const his = Object.fromEntries(rows.map((r) => [r.x, r.hi]));
    add({ type: 'line', label: `${label} (low)`, data: rows.map((r) => ({ x: r.x, y: r.lo })), borderColor: border, borderWidth: 1, borderDash: dash, backgroundColor: fill, fill: false, ...line, order }, { kind: kindLow, helper: true, pair: his });
    add({ type: 'line', label, data: rows.map((r) => ({ x: r.x, y: r.hi })), borderColor: border, borderWidth: 1, borderDash: dash, backgroundColor: fill, fill: '-1', ...line, pointStyle: 'rect', order }, { kind: kindHigh, pair: los });
  };
  if (s.band.some((b) => b.high > b.low))
    band('band-low', 'band-high', t('chart.series.band'), s.band.map((b) => ({ x: toMs(b.date), lo: b.low, hi: b.high })), 'rgba(0, 0, 0, 0.12)', 'rgba(0, 0, 0, 0.35)', [], 3);

  const yMax = seriesTop(payload);
  const fanStart = s.fan?.points[0]?.date ?? null;
  if (s.fan) {
    const pts = s.fan.points.map((p) => ({ ...p, x: toMs(p.date) }));
    band('fan95-low', 'fan95-high', t('chart.series.fan95'), pts.map((p) => ({ x: p.x, lo: p.lo95, hi: p.hi95 })), withAlpha(PROJECTION_COLOUR, 0.1), withAlpha(PROJECTION_COLOUR, 0.3), [2, 3], 7);
    band('fan80-low', 'fan80-high', t('chart.series.fan80'), pts.map((p) => ({ x: p.x, lo: p.lo80, hi: p.hi80 })), withAlpha(PROJECTION_COLOUR, 0.22), withAlpha(PROJECTION_COLOUR, 0.45), [2, 3], 6);
    add(
      { type: 'line', label: t('chart.series.fanCentral', { method: s.fan.name }), data: pts.map((p) => ({ x: p.x, y: p.central })), borderColor: PROJECTION_COLOUR, backgroundColor: PROJECTION_COLOUR, borderWidth: 2, borderDash: [8, 5], ...line, order: 4 },
      { kind: 'fan-central' },
    );
  }
  if (s.high) {
    add(
      { type: 'line', label: s.high.label, data: s.high.points.map((p) => ({ x: toMs(p.date), y: p.value })), borderColor: HIGH_COLOUR, backgroundColor: HIGH_COLOUR, borderWidth: 2, borderDash: [2, 4], ...line, order: 5 },
      { kind: 'high' },
    );
  }
  const xs = datasets.flatMap((d) => (d.data as Pt[]).map((p) => p.x));
  const xMin = xs.length ? Math.min(...xs) : toMs('2000-01-01');
  const xMax = xs.length ? Math.max(...xs) : xMin + 86_400_000;
  for (const sc of s.scenarios) {
    const label = t(`chart.series.scenario.${sc.kind}`, { organisation: sc.organisation, value: f.compactLong(sc.value) });
    add(
      { type: 'line', label, data: [{ x: xMin, y: sc.value }, { x: xMax, y: sc.value }], borderColor: SCENARIO_COLOUR, backgroundColor: SCENARIO_COLOUR, borderWidth: 1.5, borderDash: [10, 4, 2, 4], ...line, order: 2 },
      { kind: 'scenario', value: sc.value },
    );
  }

  const fmtRange = (lo: number, hi: number) => t('chart.range', { low: f.number(lo), high: f.number(hi) });
  const label = (item: Item): string | string[] => {
    const m = meta(item.dataset);
    const raw = item.raw as Pt;
    if (m.kind === 'reported' && raw.figure) {
      const p = raw.figure;
      const lines = [
        `${p.organisation}: ${quantified(p.quantifier, f.number(p.value))}`,
        t('chart.tooltip.quantifier', { quantifier: t(`quantifier.${p.quantifier}`) }),
      ];
      if (p.valueLow != null || p.valueHigh != null) lines.push(fmtRange(p.valueLow ?? p.value, p.valueHigh ?? p.value));
      if (p.role === 'triangulation') lines.push(t('chart.tooltip.triangulation'));
      return lines;
    }
    if (m.pair) {
      const other = m.pair[raw.x];
      return `${item.dataset.label}: ${fmtRange(Math.min(raw.y, other ?? raw.y), Math.max(raw.y, other ?? raw.y))}`;
    }
    return `${item.dataset.label}: ${f.number(raw.y)}`;
  };

  return {
    type: 'line',
    data: { datasets: datasets as never },
    options: {
      ...base,
      parsing: false,
      normalized: true,
      interaction: { mode: 'nearest', intersect: true },
      scales: {
        x: {
          type: 'time',
          min: xMin,
          max: xMax,
          time: { unit: 'day', tooltipFormat: undefined },
          ticks: { maxRotation: 0, autoSkipPadding: 16, callback: (v) => f.dateShort(toIso(Number(v))) },
          title: { display: true, text: t('chart.axis.date') },
        },
        y: {
          beginAtZero: true,
          max: yMax > 0 ? niceCeil(yMax * 1.05) : undefined,
          ticks: { callback: (v) => f.compact(Number(v)) },
          title: { display: true, text: t('chart.axis.people') },
        },
      },
      plugins: {
        ...titles(t('chart.series.name')),
        legend: {
          position: 'bottom',
          labels: { usePointStyle: true, filter: (item, data) => !meta(data.datasets[item.datasetIndex!]).helper },
        },
        tooltip: {
          filter: (item) => !meta(item.dataset).helper,
          callbacks: {
            title: (items: Item[]) => {
              if (!items.length) return '';
              const iso = toIso((items[0].raw as Pt).x);
              return `${f.dateWords(iso)} (${iso})`;
            },
            label,
            afterLabel: (item: Item) => {
              const raw = item.raw as Pt;
              return raw.figure ? wrap(`“${raw.figure.quote}”`) : '';
            },
          },
        },
      },
    },
    plugins: [...plugins, projectionZone(fanStart ? toMs(fanStart) : null, t('chart.series.projectionZone')), scenarioLabels],
  } as ChartConfiguration;
}

/** A round axis maximum above v: 1, 2, 2.5 or 5 × a power of ten. */
export function niceCeil(v: number): number {
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

/**
 * The top of the main chart's value axis: data, bands, the 80% projection range, the high scenario and the
 * quoted scenarios. The 95% range is left out on purpose: over a month it can run to several times the data
 * and would flatten everything else; the caption says when it is cut, and the table has it in full.
 */
export function seriesTop(payload: ChartPayload): number {
  const s = payload.series;
  return Math.max(
    0,
    ...s.reported.map((p) => p.valueHigh ?? p.value),
    ...s.reconciled.map((p) => p.value),
    ...s.band.map((b) => b.high),
    ...(s.fan?.points.map((p) => p.hi80) ?? []),
    ...(s.high?.points.map((p) => p.value) ?? []),
    ...s.scenarios.map((x) => x.value),
  );
}

/** True when the 95% projection range runs above the chart's top (the caption then says so). */
export function fanClipped(payload: ChartPayload): boolean {
  const top = seriesTop(payload);
  return !!payload.series.fan?.points.some((p) => p.hi95 > niceCeil(top * 1.05));
}

export type { Chart, ChartType, Params };
