import { createCanvas } from '@napi-rs/canvas';
import { chartConfig } from './config';
import { registerChartParts, registerTitles } from './register';
import { registerDateAdapter } from './date-adapter';
import type { ChartId, ChartPayload } from './types';
import type { Credit } from './common';

export { PNG_LIMITS } from './limits';

const Chart = registerChartParts();
registerTitles();
registerDateAdapter();
Chart.defaults.font.family = 'DejaVu Sans, Liberation Sans, Arial, sans-serif';
Chart.defaults.color = '#333333';

/** Draws one chart with Chart.js on a @napi-rs/canvas surface, from the same config the page uses. */
export function renderChartPng(id: ChartId, payload: ChartPayload, width: number, height: number, credit?: Credit): Buffer {
  const canvas = createCanvas(width, height);
  const config = chartConfig(id, payload, 'png', credit);
  // Chart.js in Node picks its basic platform (no DOM): fixed size, no events.
  const chart = new Chart(canvas.getContext('2d') as unknown as CanvasRenderingContext2D, config);
  try {
    chart.draw();
    return canvas.toBuffer('image/png');
  } finally {
    chart.destroy();
  }
}
