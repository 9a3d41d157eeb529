import { Router, type Request } from 'express';
import { z } from 'zod';
import { requireRole } from '../auth/auth.middleware';
import { forReader } from '../auth/user';
import { validationFailed, fieldError } from '../errors';
import { MAX_ID, parseQuery, positiveId } from '../validation';
import { figureListQuery } from './figure.schema';
import type { FiguresService } from './figures.service';
import { linkNext } from '../http/conventions';

const idParam = (req: Request) => positiveId(req.params.id);
const versionOf = (req: Request) => {
  const raw = req.body?.version ?? req.query.version;
  if (raw == null) return undefined;
  const v = Number(raw);
  if (!Number.isSafeInteger(v) || v < 1) throw validationFailed([fieldError('version', 'positive_whole')]);
  return v;
};
const encodeCursor = (id: number) => Buffer.from(JSON.stringify({ after: id })).toString('base64url');
const decodeCursor = (c: string) => {
  try {
    const v = z.object({ after: z.number().int().min(0).max(MAX_ID) }).parse(JSON.parse(Buffer.from(c, 'base64url').toString()));
    return v.after;
  } catch {
    throw validationFailed([fieldError('cursor', 'not_a_cursor')]);
  }
};

/** Figures of a situation and single figures with their history. */
export function figuresApi(figures: FiguresService): Router {
  const r = Router();

  r.get('/situations/:slug/figures', async (req, res) => {
    const q = parseQuery(figureListQuery, req.query);
    const { figures: page, nextAfter } = await figures.list(
      String(req.params.slug),
      {
        location: q.location,
        category: q.category,
        status: q.status,
        organisation: q.organisation,
        from: q.from,
        to: q.to,
        includeDeleted: q.includeDeleted === 'true',
        afterId: q.cursor ? decodeCursor(q.cursor) : undefined,
        limit: q.limit,
      },
      req.user,
    );
    const nextCursor = nextAfter == null ? null : encodeCursor(nextAfter);
    linkNext(req, res, nextCursor);
    res.json({ data: page.map((f) => forReader(f, req.user)), nextCursor });
  });
  r.post('/situations/:slug/figures', requireRole('editor'), async (req, res) => {
    const f = await figures.create(String(req.params.slug), req.body, req.user!);
    res.status(201).location(`/api/v1/figures/${f.id}`).json(f);
  });

  r.get('/figures/:id', async (req, res) => {
    const f = await figures.visible(idParam(req), req.user, { includeDeleted: req.query.includeDeleted === 'true' });
    res.json(forReader(f, req.user));
  });
  r.patch('/figures/:id', requireRole('editor'), async (req, res) => res.json(await figures.update(idParam(req), req.body, req.user!)));
  r.delete('/figures/:id', requireRole('editor'), async (req, res) => res.json(await figures.delete(idParam(req), req.user!, versionOf(req))));
  r.post('/figures/:id/restore', requireRole('editor'), async (req, res) => res.json(await figures.restore(idParam(req), req.user!)));
  r.post('/figures/:id/approve', requireRole('editor'), async (req, res) => res.json(await figures.approve(idParam(req), req.user!, versionOf(req))));
  r.post('/figures/:id/reject', requireRole('editor'), async (req, res) => res.json(await figures.reject(idParam(req), req.user!, versionOf(req))));
  r.get('/figures/:id/history', requireRole('viewer'), async (req, res) => res.json({ data: await figures.history(idParam(req), req.user) }));
  return r;
}
