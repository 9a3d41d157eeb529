/**
 * The chart-configuration entry point. The browser bundle (public/src/charts.ts) and the PNG renderer
 * (render.ts) both call `chartConfig(id, payload, target)`, so what is downloaded as PNG is what the page shows.
 * One builder per chart; they import Chart.js types only: the caller supplies the Chart.js runtime (ES module
 * in the browser, CommonJS in Node). Every text comes from the payload's translated messages; numbers and
 * dates go through Intl for the payload's locale.
 */
import type { ChartConfiguration, Chart, ChartType } from 'chart.js';
import type { Params } from '../i18n/format';
import type { ChartId, ChartPayload } from './types';
import type { Credit, Target } from './common';
import { locationsChart } from './locations-chart';
import { changesChart } from './changes-chart';
import { seriesChart } from './series-chart';

export { toMs, toIso, niceCeil, dateLabels, type Target, type Credit } from './common';
export { seriesTop, seriesAxisMax, curvesClipped, AXIS_HEADROOM } from './axis';

/** `credit` (PNG only): who compiled the chart and when, for the source line under it. */
export function chartConfig(id: ChartId, payload: ChartPayload, target: Target, credit?: Credit): ChartConfiguration {
  if (id === 'locations') return locationsChart(payload, target, credit);
  if (id === 'changes') return changesChart(payload, target, credit);
  return seriesChart(payload, target, credit);
}

export type { Chart, ChartType, Params };
