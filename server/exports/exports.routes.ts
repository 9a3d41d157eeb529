import { pipeline } from 'node:stream/promises';
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { CATEGORIES } from '../figures/figure';
import { hasRole } from '../auth/user';
import { HttpError } from '../errors';
import { isoDate, locationCode, parseQuery, oneOf } from '../validation';
import { definitionsText } from '../csv/write';
import { EXPORT_NAMES, type ExportsService } from './exports.service';
import cookieParser from 'cookie-parser';
import { LANGUAGES } from '../i18n/negotiate';
import type { ReadableText } from '../csv/exports';
import { coded } from '../i18n/field-errors';

const flag = z
  .enum(['1', '0', 'true', 'false'])
  .transform((v) => v === '1' || v === 'true')
  .optional();
const exportQuery = z.strictObject({
  hxl: flag,
  bom: flag,
  status: z.enum(['approved', 'all', 'draft', 'rejected'], { error: coded('one_of', { values: 'approved, all, draft, rejected' }) }).optional(),
  location: locationCode().optional(),
  category: z.enum(CATEGORIES, { error: oneOf(CATEGORIES) }).optional(),
  horizon: z.coerce.number().int().min(1).max(365).optional(),
  // figures.csv: the figures list's filters (the list's "Download these rows" link carries them).
  organisation: z.string().trim().min(1).max(40).optional(),
  from: isoDate().optional(),
  to: isoDate().optional(),
  lang: z
    .enum(
      LANGUAGES.map((l) => l.code),
      { error: oneOf(LANGUAGES.map((l) => l.code)) },
    )
    .optional(),
});

/** CSV downloads, the same under /api/v1/situations/:slug/export/… and /situations/:slug/export/…. */
export function exportRoutes(exports: ExportsService, textFor: (req: Request) => ReadableText = () => exports.text): Router {
  const r = Router();
  // The readable summary and README.txt are in the reader's language (?lang, the dt_lang cookie, Accept-Language).
  r.use(cookieParser());
  const readme = (req: Request, res: Response) => {
    res.vary('Cookie').vary('Accept-Language');
    res
      .type('text/plain; charset=utf-8')
      .set('Content-Disposition', 'inline; filename="README.txt"')
      .send(definitionsText(textFor(req)));
  };
  r.get('/export/README.txt', readme);
  r.get('/situations/:slug/export/README.txt', readme);
  r.get('/situations/:slug/export/:file', async (req, res) => {
    const m = /^([a-z-]+)\.csv$/.exec(String(req.params.file));
    const name = m?.[1] as (typeof EXPORT_NAMES)[number] | undefined;
    if (!name || !EXPORT_NAMES.includes(name))
      throw new HttpError(404, 'not_found', `No export ${String(req.params.file)}; there are ${EXPORT_NAMES.map((n) => `${n}.csv`).join(', ')} and README.txt`);
    const q = parseQuery(exportQuery, req.query);
    if (q.status && q.status !== 'approved' && !hasRole(req.user, 'editor')) throw new HttpError(403, 'forbidden', 'Only editors can export figures that are not approved');
    const slug = String(req.params.slug);
    const stream = await exports.open(slug, {
      name,
      hxl: q.hxl ?? false,
      bom: q.bom ?? false,
      status: q.status ?? 'approved',
      location: q.location,
      category: q.category,
      horizon: q.horizon,
      organisation: q.organisation,
      from: q.from,
      to: q.to,
      accounts: !!req.user,
      text: textFor(req),
    });
    res
      .status(200)
      .type('text/csv; charset=utf-8')
      .set('Content-Disposition', `attachment; filename="${exports.fileName(slug, name, q.hxl ?? false)}"`)
      .set('Cache-Control', 'no-store');
    await pipeline(stream, res);
  });
  return r;
}
