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
import type { Target } from './common';
import { locationsChart } from './locations-chart';
import { changesChart } from './changes-chart';
import { seriesChart } from './series-chart';

export { toMs, toIso, niceCeil, type Target } from './common';
export { seriesTop, curvesClipped } from './series-chart';

export function chartConfig(id: ChartId, payload: ChartPayload, target: Target): ChartConfiguration {
  if (id === 'locations') return locationsChart(payload, target);
  if (id === 'changes') return changesChart(payload, target);
  return seriesChart(payload, target);
}

export type { Chart, ChartType, Params };
