import { createHash } from 'node:crypto';
import type { I18n } from '../i18n/i18n';
import { Router } from 'express';
import { z } from 'zod';
import { HttpError, notFound, validationFailed } from '../errors';
import { toFieldErrors } from '../validation';
import { CHART_IDS, type ChartId } from '../charts/types';
import { PNG_LIMITS } from '../charts/limits';

// Chart.js and the canvas load on the first PNG request, not at start-up (about 170 ms of a cold start).
const renderer = () => require('../charts/render') as typeof import('../charts/render');
import { viewQuerySchema } from './situation.data';
import type { PageDeps } from './deps';
import { coded } from '../i18n/field-errors';

const size = (dim: 'width' | 'height') => {
  const l = PNG_LIMITS[dim];
  return z.coerce
    .number({ error: coded('pixels_not_number') })
    .int(coded('pixels_not_whole'))
    .min(l.min, coded('pixels_between', { min: l.min, max: l.max }))
    .max(l.max, coded('pixels_between', { min: l.min, max: l.max }))
    .default(l.default);
};
/** The name the source line credits: the configured instance name, else the application's name in the reader's language. */
export const instanceName = (d: Pick<PageDeps, 'config'>, i18n: I18n) => d.config.INSTANCE_NAME ?? i18n.t('app.name');

const pngQuery = viewQuerySchema.extend({ width: size('width'), height: size('height') });

/**
 * GET /situations/:slug/charts/:chart.png — the page's charts drawn on the server (same config builder),
 * for pasting into situation reports. Sizes are bounded; renders are kept in a small cache keyed by the
 * situation's last change, so repeated downloads cost nothing and a new figure is never served stale.
 */
export function chartRoutes(d: PageDeps): Router {
  const r = Router();
  const cache = new Map<string, { png: Buffer; etag: string }>();

  r.get('/situations/:slug/charts/:chart.png', async (req, res) => {
    const chart = String(req.params.chart);
    if (!(CHART_IDS as readonly string[]).includes(chart)) throw notFound(`Chart ${chart}`);
    const parsed = pngQuery.safeParse(req.query);
    if (!parsed.success) throw validationFailed(toFieldErrors(parsed.error));
    const { width, height, ...q } = parsed.data;
    const slug = String(req.params.slug);
    const situation = await d.analysis.situation(slug);
    // The source line names the production date, so a PNG made yesterday is made again today.
    const today = new Date().toISOString().slice(0, 10);
    const key = JSON.stringify([
      slug,
      situation.updatedAt,
      today,
      chart,
      width,
      height,
      q.location ?? null,
      q.category ?? null,
      q.horizon ?? null,
      (res.locals.i18n as I18n).locale,
    ]);
    let hit = cache.get(key);
    if (!hit) {
      const v = await d.views.load(slug, q, res.locals.i18n as I18n);
      const png = renderer().renderChartPng(chart as ChartId, v.payload, width, height, { by: instanceName(d, res.locals.i18n as I18n), date: today });
      hit = { png, etag: `"${createHash('sha256').update(png).digest('base64url').slice(0, 27)}"` };
      if (cache.size >= 64) cache.delete(cache.keys().next().value!);
      cache.set(key, hit);
    }
    res.setHeader('Cache-Control', 'private, no-cache');
    res.setHeader('ETag', hit.etag);
    if (req.fresh) return res.status(304).end();
    res.type('png');
    res.setHeader('Content-Disposition', `inline; filename="${slug}-${chart}.png"`);
    res.send(hit.png);
  });

  // A chart name without .png, or another extension, is a clear 404 rather than the generic page.
  r.get('/situations/:slug/charts/:chart', () => {
    throw new HttpError(404, 'not_found', 'Charts are served as PNG: /situations/{slug}/charts/{series|locations|changes}.png');
  });
  return r;
}
