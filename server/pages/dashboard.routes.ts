import { PAGE_HORIZON_DAYS } from './situation.data';
import { Router } from 'express';
import type { AnalysisService } from '../analysis/analysis.service';
import type { SituationsService } from '../situations/situations.service';
import { headline } from './situation.data';

/**
 * The dashboard: every situation with its latest figure, 7-day change, projected range and last update.
 * A large situation whose analysis is not cached yet shows "being computed" instead of holding the page for
 * many seconds (AnalysisService.analyseOrDefer); the computation runs after the response.
 */
export function dashboardRoutes(situations: SituationsService, analysis: AnalysisService): Router {
  const r = Router();
  r.get('/', async (_req, res) => {
    const list = await situations.list();
    const rows = await Promise.all(
      list.map(async (s) => {
        const x = await analysis.analyseOrDefer(s.slug, PAGE_HORIZON_DAYS);
        if (!x) return { situation: s, headline: null, horizonDays: null };
        return { situation: s, headline: headline(x.analysis), horizonDays: x.analysis.input.horizonDays };
      }),
    );
    // A "being computed" row must not be kept by a cache: the next visit should show the numbers.
    if (rows.some((row) => !row.headline)) res.setHeader('Cache-Control', 'no-store');
    res.render('dashboard/index', { title: res.locals.t('dashboard.title'), rows });
  });
  return r;
}
