import { createCanvas } from '@napi-rs/canvas';
import { PNG } from 'pngjs';
import { chartConfig } from './config';
import { registerChartParts, registerTitles } from './register';
import { registerDateAdapter } from './date-adapter';
import type { ChartId, ChartPayload } from './types';
import type { Credit } from './common';
import { fontFamilyFor, registerChartFonts } from './fonts';
import { directionOf } from '../i18n/format';

export { PNG_LIMITS } from './limits';

const Chart = registerChartParts();
registerTitles();
registerDateAdapter();
registerChartFonts();
Chart.defaults.font.family = fontFamilyFor('en');
Chart.defaults.color = '#333333';

/** Draws one chart with Chart.js on a @napi-rs/canvas surface, from the same config the page uses. */
export function renderChartPng(id: ChartId, payload: ChartPayload, width: number, height: number, credit?: Credit): Buffer {
  const canvas = createCanvas(width, height);
  // Rendering is synchronous, so setting the shared default for this one chart cannot leak into another.
  Chart.defaults.font.family = fontFamilyFor(payload.locale);
  const config = chartConfig(id, payload, 'png', credit);
  // Chart.js sets the text direction of legends and tooltips through the canvas element's CSS `direction`;
  // a server canvas has no style, so the property is passed on to the context's own `direction`.
  const ctx = canvas.getContext('2d');
  // Arabic charts are laid out right to left as a whole (titles, axis labels), like the page around them.
  ctx.direction = directionOf(payload.locale);
  const style = {
    direction: ctx.direction as string,
    getPropertyValue: () => style.direction,
    getPropertyPriority: () => '',
    setProperty: (_: string, v: string) => (ctx.direction = (style.direction = v) as CanvasDirection),
  };
  Object.defineProperty(canvas, 'style', { value: style });
  // Chart.js in Node picks its basic platform (no DOM): fixed size, no events.
  const chart = new Chart(ctx as unknown as CanvasRenderingContext2D, config);
  try {
    chart.draw();
    return encodeChartPng(canvas.getContext('2d').getImageData(0, 0, width, height).data, width, height);
  } finally {
    chart.destroy();
  }
}

/**
 * PNG for a chart: RGB (the background is opaque white, so the alpha channel says nothing), rows unfiltered and
 * deflated at level 9. Charts are flat colour and anti-aliased text, which compress best without row filters: the
 * seeded Syria series chart at 1100 × 560 is about 68 KB this way (zlib's default strategy; pngjs's own default, RLE, is worse here) against 103 KB from the canvas's own encoder, and
 * the printable sitrep, which shows it, has to stay within its page-weight budget.
 */
export function encodeChartPng(rgba: Uint8ClampedArray, width: number, height: number): Buffer {
  const png = new PNG({ width, height });
  png.data = Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength);
  return PNG.sync.write(png, { colorType: 2, inputColorType: 6, inputHasAlpha: true, filterType: 0, deflateLevel: 9, deflateStrategy: 0 });
}
