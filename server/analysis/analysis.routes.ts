import { Router, type Request } from 'express';
import { z } from 'zod';
import { CATEGORIES } from '../figures/figure';
import { MAX_PEOPLE, isoDate, locationCode, parseQuery, oneOf } from '../validation';

/** At most this many thresholds per request: each one is a line of the answer and part of the cache key. */
export const MAX_THRESHOLDS = 10;
import type { AnalysisService } from './analysis.service';
import { createI18n } from '../i18n/i18n';
import { reasonText, scenarioLabel } from '../i18n/reason';
import type { AnalyseResult } from '../statistics';
import { coded } from '../i18n/field-errors';

// The API speaks English beside the codes: other tools read `code` and its parameters, people read `message`.
const english = createI18n('en');

/** A copy of `x` where every reason object (`{ code, … }`) also carries its English `message`. */
function withMessages<T>(x: T): T {
  if (Array.isArray(x)) return x.map(withMessages) as T;
  if (x === null || typeof x !== 'object') return x;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(x)) out[k] = withMessages(v);
  if (typeof (x as { code?: unknown }).code === 'string') out.message = reasonText(x as never, english);
  return out as T;
}

/** The projections as the API publishes them: scenario labels in words (their code beside), reasons with messages. */
export function projectionsBody(p: AnalyseResult['projections']) {
  return withMessages({
    ...p,
    scenarios: p.scenarios.map((s) => ({ ...s, label: scenarioLabel(s, english), labelCode: s.label })),
  });
}

export const analysisQuerySchema = z.strictObject({
  location: locationCode().optional(),
  category: z.enum(CATEGORIES, { error: oneOf(CATEGORIES) }).optional(),
  horizon: z.coerce
    .number({ error: coded('days_not_number') })
    .int(coded('days_not_whole'))
    .min(1, coded('days_at_least', { count: 1 }))
    .max(365, coded('days_at_most', { count: 365 }))
    .optional(),
  // Not after today (nothing is known of the future; a far asOf once built years of points), not before 1900.
  asOf: isoDate({ notFuture: true }).optional(),
  thresholds: z
    .string()
    .max(MAX_THRESHOLDS * 11, coded('thresholds_count', { max: MAX_THRESHOLDS }))
    .regex(/^\d{1,10}(,\d{1,10})*$/, coded('thresholds_format'))
    .transform((s) => s.split(',').map(Number))
    .refine((xs) => xs.length <= MAX_THRESHOLDS, coded('thresholds_count', { max: MAX_THRESHOLDS }))
    .refine((xs) => xs.every((x) => x >= 1 && x <= MAX_PEOPLE), coded('thresholds_range', { max: MAX_PEOPLE }))
    .optional(),
});

const query = (req: Request) => parseQuery(analysisQuerySchema, req.query);

/** /api/v1/situations/:slug/series, /trend, /projections, /backtest. */
export function analysisApi(analysis: AnalysisService): Router {
  const r = Router();
  const head = (x: Awaited<ReturnType<AnalysisService['analyse']>>) => ({ situation: x.situation.slug, location: x.location, category: x.category });
  r.get('/situations/:slug/series', async (req, res) => {
    const x = await analysis.analyse(String(req.params.slug), query(req));
    res.json({ ...head(x), ...withMessages(x.analysis.series) });
  });
  r.get('/situations/:slug/trend', async (req, res) => {
    const x = await analysis.analyse(String(req.params.slug), query(req));
    res.json({ ...head(x), ...withMessages(x.analysis.trend) });
  });
  r.get('/situations/:slug/projections', async (req, res) => {
    const q = query(req);
    const x = await analysis.analyse(String(req.params.slug), q);
    res.json({ ...head(x), asOf: q.asOf ?? null, horizonEnd: x.analysis.input.horizonEnd, ...projectionsBody(x.analysis.projections) });
  });
  // The rolling-origin table of the published projection at the horizon, its summary against the baselines, and
  // every alternative method's scores: the numbers of `npm run backtest`.
  r.get('/situations/:slug/backtest', async (req, res) => {
    const q = query(req);
    const x = await analysis.analyse(String(req.params.slug), q);
    const p = x.analysis.projections;
    res.json({
      ...head(x),
      asOf: q.asOf ?? null,
      ...withMessages({ horizonDays: x.analysis.input.horizonDays, trackRecord: p.range.trackRecord, origins: p.backtest.past, methods: p.backtest.methods }),
    });
  });
  return r;
}
