import { Router, type Response } from 'express';
import { CATEGORIES } from '../figures/figure';
import { notFound } from '../errors';
import { jsonForScript } from '../charts/payload';
import { curvesClipped } from '../charts/axis';
import { CHART_IDS } from '../charts/types';
import { EXPORT_NAMES } from '../exports/exports.service';
import { analysisPage, headline, PAGE_HORIZON_DAYS, parsePageQuery, type HorizonField, type SituationView, type SituationViews, type ViewQuery } from './situation.data';
import { cacheableForAnyone, etagOf, PageCache, renderShared, sendCachedPage } from './page-cache';
import type { PageDeps } from './deps';
import { sitrepBox } from './sitrep';
import type { I18n } from '../i18n/i18n';

/** Query string that keeps the chosen location, category and horizon (for PNG links and forms). */
export function viewQueryString(q: ViewQuery, extra: Record<string, string | number> = {}): string {
  const p = new URLSearchParams();
  if (q.location) p.set('location', q.location);
  if (q.category) p.set('category', q.category);
  if (q.horizon) p.set('horizon', String(q.horizon));
  for (const [k, v] of Object.entries(extra)) p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

/** What the shared analysis partial needs. */
const analysisLocals = (v: SituationView, q: ViewQuery, i18n: I18n, langParam: Record<string, string> = {}) => ({
  ap: analysisPage(v, q, i18n, EXPORT_NAMES),
  box: sitrepBox({ situation: v.situation, location: v.location, category: v.category, analysis: v.analysis }, i18n),
  v,
  q,
  chartIds: CHART_IDS,
  curvesClipped: curvesClipped(v.payload),
  // Images and downloads name the page's language: a copied link, or a fetch without the cookie, gets the same text.
  pngHref: (chart: string) => `/situations/${encodeURIComponent(v.situation.slug)}/charts/${chart}.png${viewQueryString(q, langParam)}`,
  categories: CATEGORIES,
});

/**
 * The analysis part of a page (rendered once per view and options: SituationViews.analysisPart). With a horizon that
 * could not be used it is rendered for this request only: what was typed is not a key worth keeping.
 */
function renderAnalysis(
  views: SituationViews,
  res: Response,
  v: SituationView,
  q: ViewQuery,
  opts: { controlsAction: string; showLocationSelect: boolean },
  horizon: HorizonField | null,
): Promise<string> {
  const render = () =>
    new Promise<string>((resolve, reject) =>
      res.app.render(
        'situations/_analysis',
        { ...res.locals, ...analysisLocals(v, q, res.locals.i18n as I18n, res.locals.langParam), chartJson: jsonForScript(v.payload), ...opts, horizon },
        (err, out) => (err ? reject(err) : resolve(out)),
      ),
    );
  return horizon ? render() : views.analysisPart(v, JSON.stringify([opts, q]), render);
}

/** Situation page and location page. */
export function situationPages(d: PageDeps): Router {
  const r = Router();

  // Anonymous readers share one finished page per URL and data version (page-cache.ts); the view object is the
  // version: SituationViews.load replaces it when the situation's updated_at stamp moves.
  const pageCache = new PageCache();
  r.get('/situations/:slug', async (req, res) => {
    const { q, errors, horizon } = parsePageQuery(req.query);
    const v = await d.views.load(String(req.params.slug), q, res.locals.i18n as I18n);
    if (horizon) {
      const analysisHtml = await renderAnalysis(d.views, res, v, q, { controlsAction: '/situations/' + encodeURIComponent(v.situation.slug), showLocationSelect: true }, horizon);
      return res.status(400).render('situations/show', {
        title: v.situation.title,
        ...analysisLocals(v, q, res.locals.i18n as I18n, res.locals.langParam),
        analysisHtml,
        errors,
        scripts: ['charts.js'],
      });
    }
    const shared = cacheableForAnyone(req, res);
    // The recent-alerts list (server/alerts/alerts.pages.ts) changes without the situation's data: its stamp is part of
    // the key; so are the map's own query (server/maps/maps.pages.ts) and the language (the page's Vary names Cookie and
    // Accept-Language).
    const key = JSON.stringify([req.path, q, res.locals.alertsStamp ?? null, res.locals.mapKey ?? null, (res.locals.i18n as I18n).locale]);
    const hit = shared ? pageCache.get(key, v) : undefined;
    if (hit) return sendCachedPage(req, res, hit);
    const slugPath = '/situations/' + encodeURIComponent(v.situation.slug);
    const analysisHtml = await renderAnalysis(d.views, res, v, q, { controlsAction: slugPath, showLocationSelect: true }, null);
    const locals = { title: v.situation.title, ...analysisLocals(v, q, res.locals.i18n as I18n, res.locals.langParam), analysisHtml, scripts: ['charts.js'] };
    if (!shared) return res.render('situations/show', locals);
    const { html, shareable } = await renderShared(res, 'situations/show', locals);
    if (!shareable) return res.send(html);
    sendCachedPage(req, res, pageCache.set(key, v, html, etagOf(res, html)));
  });

  r.get('/situations/:slug/locations/:code', async (req, res) => {
    const slug = String(req.params.slug);
    const code = String(req.params.code);
    const situation = await d.situations.get(slug);
    const loc = await d.locations.get(code);
    if (!loc || loc.country !== situation.country) throw notFound(`Location ${code} in ${situation.title}`);
    const parsed = parsePageQuery(req.query);
    const q = { ...parsed.q, location: code };
    // One line per category with data here, so a reader sees flows and stocks side by side.
    const summaries = (
      await Promise.all(
        CATEGORIES.map(async (category) => {
          const x = await d.analysis.analyse(slug, { location: code, category, horizon: q.horizon ?? PAGE_HORIZON_DAYS });
          return { category, headline: headline(x.analysis), points: x.analysis.series.points.length, lastDate: x.analysis.series.points.at(-1)?.date ?? '' };
        }),
      )
    ).filter((s) => s.points > 0);
    // The page opens on the category reported most recently here (the first in catalogue order on a tie).
    if (!q.category && summaries.length) q.category = summaries.reduce((best, s) => (s.lastDate > best.lastDate ? s : best)).category;
    const v = await d.views.load(slug, q, res.locals.i18n as I18n);
    const { figures } = await d.figures.list(slug, { location: code, status: 'approved' }, undefined);
    res.status(parsed.horizon ? 400 : 200).render('situations/location', {
      title: `${(res.locals.i18n as I18n).placeName(loc)} · ${situation.title}`,
      ...analysisLocals(v, q, res.locals.i18n as I18n, res.locals.langParam),
      chartJson: jsonForScript(v.payload),
      errors: parsed.errors,
      horizon: parsed.horizon,
      summaries,
      figures,
      scripts: ['charts.js'],
    });
  });

  return r;
}
