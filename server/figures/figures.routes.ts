import { Router, type Request } from 'express';
import { z } from 'zod';
import { requireRole } from '../auth/auth.middleware';
import { hasRole } from '../auth/user';
import { HttpError, notFound, validationFailed } from '../errors';
import { parseOrThrow, positiveId } from '../validation';
import type { Storage } from '../storage/database';
import { organisationsRepository } from '../organisations/organisations.repository';
import type { SituationsService } from '../situations/situations.service';
import { figureListQuery } from './figure.schema';
import { figuresRepository } from './figures.repository';
import type { FiguresService } from './figures.service';
import { linkNext } from '../http/conventions';

const idParam = (req: Request) => positiveId(req.params.id);
const versionOf = (req: Request) => {
  const raw = req.body?.version ?? req.query.version;
  if (raw == null) return undefined;
  const v = Number(raw);
  if (!Number.isSafeInteger(v) || v < 1) throw validationFailed([{ path: 'version', message: 'must be a positive whole number' }]);
  return v;
};
const encodeCursor = (id: number) => Buffer.from(JSON.stringify({ after: id })).toString('base64url');
const decodeCursor = (c: string) => {
  try {
    const v = z.object({ after: z.number().int().min(0) }).parse(JSON.parse(Buffer.from(c, 'base64url').toString()));
    return v.after;
  } catch {
    throw validationFailed([{ path: 'cursor', message: 'is not a cursor returned by this API' }]);
  }
};

/** Figures of a situation and single figures with their history. */
export function figuresApi(storage: Storage, situations: SituationsService, figures: FiguresService): Router {
  const r = Router();

  r.get('/situations/:slug/figures', async (req, res) => {
    const q = parseOrThrow(figureListQuery, req.query);
    const situation = await situations.get(String(req.params.slug));
    const status = q.status ?? 'approved';
    if ((status !== 'approved' || q.includeDeleted === 'true') && !hasRole(req.user, 'editor'))
      throw new HttpError(403, 'forbidden', 'Only editors can list figures that are not approved, or deleted ones');
    let organisationId: number | undefined;
    if (q.organisation) {
      const org = await organisationsRepository.byShortName(storage.db, q.organisation);
      if (!org) throw validationFailed([{ path: 'organisation', message: `unknown organisation "${q.organisation}"` }]);
      organisationId = org.id;
    }
    const rows = await figuresRepository.list(storage.db, {
      situationId: situation.id, location: q.location, category: q.category, status, organisationId, from: q.from, to: q.to,
      includeDeleted: q.includeDeleted === 'true', afterId: q.cursor ? decodeCursor(q.cursor) : undefined, limit: q.limit + 1,
    });
    const page = rows.slice(0, q.limit);
    const nextCursor = rows.length > q.limit ? encodeCursor(page[page.length - 1].id) : null;
    linkNext(req, res, nextCursor);
    res.json({ data: page, nextCursor });
  });
  r.post('/situations/:slug/figures', requireRole('editor'), async (req, res) =>
    {
    const f = await figures.create(String(req.params.slug), req.body, req.user!);
    res.status(201).location(`/api/v1/figures/${f.id}`).json(f);
  });

  r.get('/figures/:id', async (req, res) => {
    const f = await figures.get(idParam(req), { includeDeleted: hasRole(req.user, 'editor') && req.query.includeDeleted === 'true' });
    if (f.status !== 'approved' && !hasRole(req.user, 'editor')) throw notFound(`Figure ${f.id}`);
    res.json(f);
  });
  r.patch('/figures/:id', requireRole('editor'), async (req, res) => res.json(await figures.update(idParam(req), req.body, req.user!)));
  r.delete('/figures/:id', requireRole('editor'), async (req, res) => res.json(await figures.delete(idParam(req), req.user!, versionOf(req))));
  r.post('/figures/:id/restore', requireRole('editor'), async (req, res) => res.json(await figures.restore(idParam(req), req.user!)));
  r.post('/figures/:id/approve', requireRole('editor'), async (req, res) => res.json(await figures.approve(idParam(req), req.user!, versionOf(req))));
  r.post('/figures/:id/reject', requireRole('editor'), async (req, res) => res.json(await figures.reject(idParam(req), req.user!, versionOf(req))));
  r.get('/figures/:id/history', requireRole('viewer'), async (req, res) => res.json({ data: await figures.history(idParam(req)) }));
  return r;
}
