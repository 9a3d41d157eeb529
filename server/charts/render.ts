import { createCanvas } from '@napi-rs/canvas';
import { chartConfig } from './config';
import { registerChartParts } from './register';
import { registerDateAdapter } from './date-adapter';
import type { ChartId, ChartPayload } from './types';

/** PNG size limits: big enough for a printed A4 page at 200 dpi, small enough that one request cannot exhaust memory. */
export const PNG_LIMITS = { width: { min: 300, max: 2000, default: 1000 }, height: { min: 200, max: 1500, default: 560 } } as const;

const Chart = registerChartParts();
registerDateAdapter();
Chart.defaults.font.family = 'DejaVu Sans, Liberation Sans, Arial, sans-serif';
Chart.defaults.color = '#333333';

/** Draws one chart with Chart.js on a @napi-rs/canvas surface, from the same config the page uses. */
export function renderChartPng(id: ChartId, payload: ChartPayload, width: number, height: number): Buffer {
  const canvas = createCanvas(width, height);
  const config = chartConfig(id, payload, 'png');
  // Chart.js in Node picks its basic platform (no DOM): fixed size, no events.
  const chart = new Chart(canvas.getContext('2d') as unknown as CanvasRenderingContext2D, config);
  try {
    chart.draw();
    return canvas.toBuffer('image/png');
  } finally {
    chart.destroy();
  }
}
