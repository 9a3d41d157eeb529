import { Router, type Request, type Response } from 'express';
import { notFound } from '../errors';
import { parsePageQuery, parseViewQuery, type HorizonField, type SituationView, type ViewQuery } from './situation.data';
import type { FieldError } from '../errors';
import { keyMessages, sitrepBox } from './sitrep';
import { viewQueryString } from './situations.routes';
import type { PageDeps } from './deps';
import { instanceName } from './charts.routes';
import type { I18n } from '../i18n/i18n';

/** Rows of the key-figures table: the latest reports, newest first (the full list is one link away). */
const KEY_FIGURES = 5;

/**
 * The printable situation report (one A4 page: the box, the chart as an image, key figures with sources, the
 * projection and its track record, scenarios, a footer with the address and the time) and its key messages as
 * plain text, for the situation's country or any location. The page a coordinator links in an email.
 */
export function sitrepPages(d: PageDeps): Router {
  const r = Router();

  // The page keeps a bad horizon as a field error (parsePageQuery); the plain text has no field, so it answers 400.
  const view = async (req: Request, res: Response, lenient: boolean): Promise<{ v: SituationView; q: ViewQuery; errors: FieldError[]; horizon: HorizonField | null }> => {
    const slug = String(req.params.slug);
    const parsed = lenient ? parsePageQuery(req.query) : { q: parseViewQuery(req.query), errors: [], horizon: null };
    const q = parsed.q;
    if (req.params.code !== undefined) {
      const situation = await d.situations.get(slug);
      const loc = await d.locations.get(String(req.params.code));
      if (!loc || loc.country !== situation.country) throw notFound(`Location ${String(req.params.code)} in ${situation.title}`);
      q.location = loc.code;
    }
    return { v: await d.views.load(slug, q, res.locals.i18n as I18n), q, errors: parsed.errors, horizon: parsed.horizon };
  };

  const page = async (req: Request, res: Response) => {
    const { v, q, errors, horizon } = await view(req, res, true);
    const i18n = res.locals.i18n as I18n;
    const scope = { situation: v.situation, location: v.location, category: v.category, analysis: v.analysis };
    const box = sitrepBox(scope, i18n);
    const slugPath = `/situations/${encodeURIComponent(v.situation.slug)}`;
    const chartQuery = viewQueryString(
      { ...q, location: v.location.code, category: v.category, horizon: v.analysis.input.horizonDays },
      { width: 1100, height: 560, ...res.locals.langParam },
    );
    const keyFigures = [...v.reported].sort((a, b) => b.periodEnd.localeCompare(a.periodEnd) || b.id - a.id).slice(0, KEY_FIGURES);
    const here = `${req.protocol}://${req.get('host') ?? 'localhost'}${req.originalUrl}`;
    res.status(horizon ? 400 : 200).render('situations/sitrep', {
      errors,
      horizon,
      formAction: req.path,
      // The form keeps what the address chose besides the horizon (the location page's sitrep has its place in the path).
      hidden: { location: req.params.code === undefined ? q.location : undefined, category: q.category },
      title: `${i18n.t('sitrep.title')} · ${v.situation.title}`,
      v,
      box,
      messages: keyMessages(scope, i18n),
      chartSrc: `${slugPath}/charts/series.png${chartQuery}`,
      keyFigures,
      moreFigures: v.reported.length > KEY_FIGURES ? `${slugPath}/figures?location=${encodeURIComponent(v.location.code)}&category=${v.category}` : null,
      textHref: `${req.path}.txt${viewQueryString(q, res.locals.langParam)}`,
      pageHref: v.location.code === v.situation.country ? slugPath : `${slugPath}/locations/${encodeURIComponent(v.location.code)}`,
      footer: i18n.t('sitrep.footer', { url: here, date: i18n.dateTimeWords(new Date().toISOString()) }),
    });
  };

  const text = async (req: Request, res: Response) => {
    const { v } = await view(req, res, false);
    const i18n = res.locals.i18n as I18n;
    const scope = { situation: v.situation, location: v.location, category: v.category, analysis: v.analysis };
    const box = sitrepBox(scope, i18n);
    const lines = [
      `${v.situation.title}${v.location.code === v.situation.country ? '' : ` · ${i18n.placeName(v.location)}`}`,
      '',
      ...keyMessages(scope, i18n),
      '',
      i18n.t('sitrep.sourceLine', {
        organisations: box.organisations.join(i18n.t('list.separator')) || '–',
        app: instanceName(d, i18n),
        date: i18n.dateWords(new Date().toISOString()),
      }),
      `${req.protocol}://${req.get('host') ?? 'localhost'}${req.originalUrl.replace(/\.txt(?=\?|$)/, '')}`,
    ];
    res
      .type('text/plain; charset=utf-8')
      .set('Cache-Control', 'no-cache')
      .send(lines.join('\n') + '\n');
  };

  r.get('/situations/:slug/sitrep', page);
  r.get('/situations/:slug/sitrep.txt', text);
  r.get('/situations/:slug/locations/:code/sitrep', page);
  r.get('/situations/:slug/locations/:code/sitrep.txt', text);
  return r;
}
