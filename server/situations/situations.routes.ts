import { Router } from 'express';
import { requireRole } from '../auth/auth.middleware';
import { forReader, hasRole } from '../auth/user';
import { HttpError } from '../errors';
import { positiveId } from '../validation';
import type { SituationsService } from './situations.service';

/** /api/v1/situations and their scenarios (create, soft delete, restore, history). */
export function situationsApi(situations: SituationsService): Router {
  const r = Router();
  r.get('/situations', async (_req, res) => res.json({ data: await situations.list() }));
  r.post('/situations', requireRole('editor'), async (req, res) => res.status(201).json(await situations.create(req.body, req.user!)));
  r.get('/situations/:slug', async (req, res) => res.json(await situations.get(String(req.params.slug))));
  r.get('/situations/:slug/scenarios', async (req, res) => {
    const includeDeleted = req.query.includeDeleted === 'true';
    if (includeDeleted && !hasRole(req.user, 'editor')) throw new HttpError(403, 'forbidden', 'Only editors can list deleted scenarios');
    res.json({ data: (await situations.scenarios(String(req.params.slug), { includeDeleted })).map((s) => forReader(s, req.user)) });
  });
  r.post('/situations/:slug/scenarios', requireRole('editor'), async (req, res) =>
    res.status(201).json(await situations.createScenario(String(req.params.slug), req.body, req.user!)));
  r.delete('/situations/:slug/scenarios/:id', requireRole('editor'), async (req, res) =>
    res.json(await situations.deleteScenario(String(req.params.slug), positiveId(req.params.id), req.user!)));
  r.post('/situations/:slug/scenarios/:id/restore', requireRole('editor'), async (req, res) =>
    res.json(await situations.restoreScenario(String(req.params.slug), positiveId(req.params.id), req.user!)));
  r.get('/situations/:slug/scenarios/:id/history', requireRole('viewer'), async (req, res) =>
    res.json({ data: await situations.scenarioHistory(String(req.params.slug), positiveId(req.params.id), req.user) }));
  return r;
}
