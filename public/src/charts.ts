/**
 * Draws the charts of a situation or location page. The numbers travel as JSON in
 * `<script type="application/json" id="chart-data">` (no inline script, so the CSP needs no exception) and
 * go through the same config builder as the server's PNGs. Without JavaScript the tables beside each chart
 * carry the same numbers.
 */
import { registerChartParts } from '../../server/charts/register';
import { registerDateAdapter } from '../../server/charts/date-adapter';
import { chartConfig } from '../../server/charts/config';
import type { ChartId, ChartPayload } from '../../server/charts/types';

const Chart = registerChartParts();
// The same date-fns adapter as the PNG renderer (see date-adapter.ts); the packaged chartjs-adapter-date-fns
// would also bring date-fns' string parser (about 35 KB) that these charts never use.
registerDateAdapter();

declare global {
  interface Window {
    /** The drawn charts by id, for the console and for embedding pages that want to react to them. */
    displacementCharts?: Record<string, unknown>;
  }
}

function draw() {
  const el = document.getElementById('chart-data');
  if (!el?.textContent) return;
  const payload = JSON.parse(el.textContent) as ChartPayload;
  const drawn: Record<string, unknown> = {};
  document.querySelectorAll<HTMLCanvasElement>('canvas[data-chart]').forEach((canvas) => {
    const id = canvas.dataset.chart as ChartId;
    // Show the canvas box first: Chart.js sizes the chart to its container when it is created.
    canvas.closest('figure')?.classList.add('chart-drawn');
    drawn[id] = new Chart(canvas, chartConfig(id, payload, 'browser'));
  });
  window.displacementCharts = drawn;
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', draw);
else draw();
