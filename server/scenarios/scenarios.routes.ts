import { Router } from 'express';
import { requireRole } from '../auth/auth.middleware';
import { forReader, hasRole } from '../auth/user';
import { HttpError } from '../errors';
import { positiveId } from '../validation';
import type { ScenariosService } from './scenarios.service';

/** /api/v1/situations/:slug/scenarios: list, create, soft delete, restore, history. */
export function scenariosApi(scenarios: ScenariosService): Router {
  const r = Router();
  r.get('/situations/:slug/scenarios', async (req, res) => {
    const includeDeleted = req.query.includeDeleted === 'true';
    if (includeDeleted && !hasRole(req.user, 'editor')) throw new HttpError(403, 'forbidden', 'Only editors can list deleted scenarios');
    res.json({ data: (await scenarios.list(String(req.params.slug), { includeDeleted })).map((s) => forReader(s, req.user)) });
  });
  r.post('/situations/:slug/scenarios', requireRole('editor'), async (req, res) => res.status(201).json(await scenarios.create(String(req.params.slug), req.body, req.user!)));
  r.delete('/situations/:slug/scenarios/:id', requireRole('editor'), async (req, res) =>
    res.json(await scenarios.delete(String(req.params.slug), positiveId(req.params.id), req.user!)),
  );
  r.post('/situations/:slug/scenarios/:id/restore', requireRole('editor'), async (req, res) =>
    res.json(await scenarios.restore(String(req.params.slug), positiveId(req.params.id), req.user!)),
  );
  r.get('/situations/:slug/scenarios/:id/history', requireRole('viewer'), async (req, res) =>
    res.json({ data: await scenarios.history(String(req.params.slug), positiveId(req.params.id), req.user) }),
  );
  return r;
}
