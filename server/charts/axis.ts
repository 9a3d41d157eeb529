import type { ChartPayload } from './types';

/*
 * The value axis of the main chart, apart from the Chart.js configuration: pages need it (the caption says when a
 * curve runs above the top) without loading Chart.js, which only PNG requests and the browser need.
 */

/** A round axis maximum at or above v: 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 × a power of ten. */
export function niceCeil(v: number): number {
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

/**
 * How far above the reports and the central projection the high end of the range or a quoted scenario may reach
 * and still set the top of the value axis. Higher, they are cut at the top edge with a label saying how high they
 * go: a range or a scenario several times the reports would flatten the reports into the floor of the chart.
 */
export const AXIS_HEADROOM = 1.5;

/**
 * The top of the main chart's data: the reports (a published range's high end too), the reconciled series, the band,
 * the central projection and past projections; then the range's high end and quoted scenarios where they stay within
 * AXIS_HEADROOM of that. Scenario curves never set it (exponential growth runs off any chart; the table has them).
 */
export function seriesTop(payload: ChartPayload): number {
  const s = payload.series;
  const core = Math.max(
    0,
    ...s.reported.map((p) => p.valueHigh ?? p.value),
    ...s.reconciled.map((p) => p.value),
    ...s.band.map((b) => b.high),
    ...(s.projection?.points.map((p) => p.central) ?? []),
    ...s.past.map((p) => Math.max(p.central, p.actual)),
  );
  // The range is one shape: all of it sets the axis, or it is cut and labelled; never cut at some arbitrary day.
  const rangeHigh = Math.max(0, ...(s.projection?.points.map((p) => p.high) ?? []));
  const near = [rangeHigh, ...s.scenarios.map((x) => x.value)].filter((v) => v <= core * AXIS_HEADROOM);
  return Math.max(core, ...near);
}

/** The value axis maximum: a round number 5% above seriesTop (undefined without data: Chart.js chooses). */
export function seriesAxisMax(payload: ChartPayload): number | undefined {
  const top = seriesTop(payload);
  return top > 0 ? niceCeil(top * 1.05) : undefined;
}

/** True when a scenario curve runs above the chart's top (the caption then says so). */
export function curvesClipped(payload: ChartPayload): boolean {
  const top = seriesAxisMax(payload);
  return top != null && payload.series.curves.some((c) => c.points.some((p) => p.value > top));
}
