import { Router } from 'express';
import type { AnalysisService } from '../analysis/analysis.service';
import type { SituationsService } from '../situations/situations.service';
import { headline } from './situation.data';

/** The dashboard: every situation with its latest figure, 7-day change, projected range and last update. */
export function dashboardRoutes(situations: SituationsService, analysis: AnalysisService): Router {
  const r = Router();
  r.get('/', async (_req, res) => {
    const list = await situations.list();
    const rows = await Promise.all(
      list.map(async (s) => {
        const x = await analysis.analyse(s.slug);
        return { situation: s, headline: headline(x.analysis), horizonDays: x.analysis.input.horizonDays, centralLabel: x.analysis.projections.range.central.label };
      }),
    );
    res.render('dashboard/index', { title: res.locals.t('dashboard.title'), rows });
  });
  return r;
}
