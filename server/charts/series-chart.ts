import type { ChartConfiguration } from 'chart.js';
import type { ChartPayload } from './types';
import { seriesAxisMax } from './axis';
import { PROJECTION_COLOUR, HIGH_COLOUR, SCENARIO_COLOUR, SERIES_COLOUR, organisationStyle, withAlpha } from './palette';
import {
  aboveTopLabels,
  chartContext,
  meta,
  projectionZone,
  scenarioLabels,
  toIso,
  toMs,
  wrap,
  yearAwareTimeTicks,
  type AboveTop,
  type Credit,
  type Item,
  type Kind,
  type Meta,
  type Pt,
  type Target,
} from './common';

/**
 * The main chart: reported points by source, the reconciled line, the triangulation band, the published
 * projection (central and 80% range), the scenario curves and quoted scenario lines beside it, and "what we
 * said then": the central each past report gave for the horizon, at the date it was for.
 */
export function seriesChart(payload: ChartPayload, target: Target, credit?: Credit): ChartConfiguration {
  const { t, f, base, titles, dir, plugins } = chartContext(payload, target, 'series', credit);
  const quantified = (q: string, v: string) => t(`chart.quantified.${q}`, { value: v });
  const s = payload.series;
  const datasets: Record<string, unknown>[] = [];
  const add = (ds: Record<string, unknown>, m: Meta) => datasets.push({ ...ds, dt: m });
  // Lines have no markers (their legend shows a line); only reported figures and past projections are drawn as points.
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
    {
      type: 'line',
      label: t('chart.series.reconciled'),
      data: s.reconciled.map((p) => ({ x: toMs(p.date), y: p.value })),
      borderColor: SERIES_COLOUR,
      backgroundColor: SERIES_COLOUR,
      borderWidth: 2.5,
      ...line,
      order: 1,
    },
    { kind: 'reconciled' },
  );
  // Bands are two datasets: the lower edge (a helper), then the upper edge filled down to it.
  const band = (kindLow: Kind, kindHigh: Kind, label: string, rows: { x: number; lo: number; hi: number }[], fill: string, border: string, dash: number[], order: number) => {
    const los = Object.fromEntries(rows.map((r) => [r.x, r.lo]));
    const his = Object.fromEntries(rows.map((r) => [r.x, r.hi]));
    add(
      {
        type: 'line',
        label: `${label} (low)`,
        data: rows.map((r) => ({ x: r.x, y: r.lo })),
        borderColor: border,
        borderWidth: 1,
        borderDash: dash,
        backgroundColor: fill,
        fill: false,
        ...line,
        order,
      },
      { kind: kindLow, helper: true, pair: his },
    );
    add(
      {
        type: 'line',
        label,
        data: rows.map((r) => ({ x: r.x, y: r.hi })),
        borderColor: border,
        borderWidth: 1,
        borderDash: dash,
        backgroundColor: fill,
        fill: '-1',
        ...line,
        pointStyle: 'rect',
        order,
      },
      { kind: kindHigh, pair: los },
    );
  };
  if (s.band.some((b) => b.high > b.low))
    band(
      'band-low',
      'band-high',
      t('chart.series.band'),
      s.band.map((b) => ({ x: toMs(b.date), lo: b.low, hi: b.high })),
      'rgba(0, 0, 0, 0.12)',
      'rgba(0, 0, 0, 0.35)',
      [],
      3,
    );

  const projection = s.projection;
  if (projection) {
    const pts = projection.points.map((p) => ({ ...p, x: toMs(p.date) }));
    band(
      'range-low',
      'range-high',
      t('chart.series.range80'),
      pts.map((p) => ({ x: p.x, lo: p.low, hi: p.high })),
      withAlpha(PROJECTION_COLOUR, 0.22),
      withAlpha(PROJECTION_COLOUR, 0.45),
      [2, 3],
      6,
    );
    add(
      {
        type: 'line',
        label: t('chart.series.central'),
        data: pts.map((p) => ({ x: p.x, y: p.central })),
        borderColor: PROJECTION_COLOUR,
        backgroundColor: PROJECTION_COLOUR,
        borderWidth: 2,
        borderDash: [8, 5],
        ...line,
        order: 4,
      },
      { kind: 'projection-central' },
    );
  }
  if (s.past.length) {
    add(
      {
        type: 'line',
        label: t('chart.series.past'),
        data: s.past.map((p) => ({ x: toMs(p.target), y: p.central })),
        showLine: false,
        pointStyle: 'circle',
        pointRadius: 4,
        pointHoverRadius: 6,
        pointHitRadius: 6,
        backgroundColor: '#ffffff',
        borderColor: PROJECTION_COLOUR,
        borderWidth: 1.5,
        order: 2,
      },
      { kind: 'past' },
    );
  }
  for (const c of s.curves) {
    add(
      {
        type: 'line',
        label: c.label,
        data: c.points.map((p) => ({ x: toMs(p.date), y: p.value })),
        borderColor: HIGH_COLOUR,
        backgroundColor: HIGH_COLOUR,
        borderWidth: 1.5,
        borderDash: [2, 4],
        ...line,
        order: 5,
      },
      { kind: 'curve' },
    );
  }
  const xs = datasets.flatMap((d) => (d.data as Pt[]).map((p) => p.x));
  const xMin = xs.length ? Math.min(...xs) : toMs('2000-01-01');
  const xMax = xs.length ? Math.max(...xs) : xMin + 86_400_000;
  for (const sc of s.scenarios) {
    const label = t(`chart.series.scenario.${sc.kind}`, { organisation: sc.organisation, value: f.compactLong(sc.value) });
    add(
      {
        type: 'line',
        label,
        data: [
          { x: xMin, y: sc.value },
          { x: xMax, y: sc.value },
        ],
        borderColor: SCENARIO_COLOUR,
        backgroundColor: SCENARIO_COLOUR,
        borderWidth: 1.5,
        borderDash: [10, 4, 2, 4],
        ...line,
        order: 2,
      },
      { kind: 'scenario', value: sc.value },
    );
  }

  const pastByX = new Map(s.past.map((p) => [toMs(p.target), p]));
  const fmtRange = (lo: number, hi: number) => t('chart.range', { low: f.number(lo), high: f.number(hi) });
  const label = (item: Item): string | string[] => {
    const m = meta(item.dataset);
    const raw = item.raw as Pt;
    if (m.kind === 'reported' && raw.figure) {
      const p = raw.figure;
      const lines = [`${p.organisation}: ${quantified(p.quantifier, f.number(p.value))}`, t('chart.tooltip.quantifier', { quantifier: t(`quantifier.${p.quantifier}`) })];
      if (p.valueLow != null || p.valueHigh != null) lines.push(fmtRange(p.valueLow ?? p.value, p.valueHigh ?? p.value));
      if (p.role === 'triangulation') lines.push(t('chart.tooltip.triangulation'));
      return lines;
    }
    if (m.kind === 'past') {
      const p = pastByX.get(raw.x);
      if (p)
        return [
          t('chart.tooltip.pastSaid', { date: f.dateWords(p.date), central: f.number(p.central), range: fmtRange(p.low, p.high) }),
          t(p.held ? 'chart.tooltip.pastHeld' : 'chart.tooltip.pastMissed', { actual: f.number(p.actual) }),
        ];
    }
    if (m.pair) {
      const other = m.pair[raw.x];
      return `${item.dataset.label}: ${fmtRange(Math.min(raw.y, other ?? raw.y), Math.max(raw.y, other ?? raw.y))}`;
    }
    return `${item.dataset.label}: ${f.number(raw.y)}`;
  };

  const yMax = seriesAxisMax(payload);
  // Lines cut by the top of the axis say how high they go, at the top edge, so a reader knows the chart stops short.
  const above: AboveTop[] = [];
  const highest = projection?.points.reduce((m, p) => (p.high > m.high ? p : m), projection.points[0]);
  if (yMax != null && highest && highest.high > yMax)
    above.push({
      label: t('chart.rangeAboveTop', { value: f.compactLong(highest.high), date: f.dateWords(highest.date) }),
      short: t('chart.rangeAboveTopShort', { value: f.compactLong(highest.high) }),
      colour: PROJECTION_COLOUR,
    });
  for (const d of datasets) {
    const m = meta(d);
    if (yMax != null && m.kind === 'scenario' && m.value != null && m.value > yMax)
      above.push({ label: t('chart.aboveTop', { label: String(d.label) }), short: t('chart.aboveTopShort', { label: String(d.label) }), colour: SCENARIO_COLOUR });
  }
  const zoneFrom = projection?.points[0]?.date ?? null;
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
          // The unit follows the span (days for weeks of reports, months or years for a long series; never hours), so
          // the number of ticks stays what the axis has room for: a fixed day unit made one tick per day.
          time: { minUnit: 'day', tooltipFormat: undefined },
          ...yearAwareTimeTicks(f),
          title: { display: true, text: t('chart.axis.date') },
        },
        y: {
          beginAtZero: true,
          max: yMax,
          ticks: { callback: (v) => f.compact(Number(v)) },
          title: { display: true, text: t('chart.axis.people') },
        },
      },
      plugins: {
        ...titles(t('chart.series.name')),
        dtAboveTop: { labels: above },
        legend: { ...dir, position: 'bottom', labels: { usePointStyle: true, filter: (item, data) => !meta(data.datasets[item.datasetIndex!]).helper } },
        tooltip: {
          ...dir,
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
    plugins: [...plugins, projectionZone(zoneFrom ? toMs(zoneFrom) : null, t('chart.series.projectionZone')), scenarioLabels, aboveTopLabels],
  } as ChartConfiguration;
}
