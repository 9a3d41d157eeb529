import { Router, type Request } from 'express';
import { z } from 'zod';
import { CATEGORIES } from '../figures/figure';
import { MAX_PEOPLE, isoDate, locationCode, parseOrThrow } from '../validation';

/** At most this many thresholds per request: each one is a line of the answer and part of the cache key. */
export const MAX_THRESHOLDS = 10;
import type { AnalysisService } from './analysis.service';

export const analysisQuerySchema = z.strictObject({
  location: locationCode().optional(),
  category: z.enum(CATEGORIES, { error: `must be one of ${CATEGORIES.join(', ')}` }).optional(),
  horizon: z.coerce.number({ error: 'must be a number of days' }).int('must be a whole number of days').min(1, 'must be at least 1 day').max(365, 'must be at most 365 days').optional(),
  // Not after today: the daily curve runs to asOf + horizon, so a far-future asOf would build years of points.
  asOf: isoDate({ notFuture: true }).optional(),
  thresholds: z
    .string()
    .max(MAX_THRESHOLDS * 11, `must be at most ${MAX_THRESHOLDS} numbers`)
    .regex(/^\d{1,10}(,\d{1,10})*$/, 'must be whole numbers separated by commas, e.g. 500000,1000000')
    .transform((s) => s.split(',').map(Number))
    .refine((xs) => xs.length <= MAX_THRESHOLDS, `must be at most ${MAX_THRESHOLDS} numbers`)
    .refine((xs) => xs.every((x) => x >= 1 && x <= MAX_PEOPLE), `each must be between 1 and ${MAX_PEOPLE.toLocaleString('en')}`)
    .optional(),
});

const query = (req: Request) => parseOrThrow(analysisQuerySchema, req.query);

/** /api/v1/situations/:slug/series, /trend, /projections. */
export function analysisApi(analysis: AnalysisService): Router {
  const r = Router();
  const head = (x: Awaited<ReturnType<AnalysisService['analyse']>>) => ({ situation: x.situation.slug, location: x.location, category: x.category });
  r.get('/situations/:slug/series', async (req, res) => {
    const x = await analysis.analyse(String(req.params.slug), query(req));
    res.json({ ...head(x), ...x.analysis.series });
  });
  r.get('/situations/:slug/trend', async (req, res) => {
    const x = await analysis.analyse(String(req.params.slug), query(req));
    res.json({ ...head(x), ...x.analysis.trend });
  });
  r.get('/situations/:slug/projections', async (req, res) => {
    const q = query(req);
    const x = await analysis.analyse(String(req.params.slug), q);
    res.json({ ...head(x), asOf: q.asOf ?? null, ...x.analysis.projections });
  });
  return r;
}
