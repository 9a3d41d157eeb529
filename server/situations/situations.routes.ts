import { Router } from 'express';
import { requireRole } from '../auth/auth.middleware';
import type { SituationsService } from './situations.service';

/** /api/v1/situations (create, edit, history). */
export function situationsApi(situations: SituationsService): Router {
  const r = Router();
  r.get('/situations', async (_req, res) => res.json({ data: await situations.list() }));
  r.post('/situations', requireRole('editor'), async (req, res) => res.status(201).json(await situations.create(req.body, req.user!)));
  r.get('/situations/:slug', async (req, res) => res.json(await situations.get(String(req.params.slug))));
  r.patch('/situations/:slug', requireRole('editor'), async (req, res) => res.json(await situations.update(String(req.params.slug), req.body, req.user!)));
  r.get('/situations/:slug/history', requireRole('viewer'), async (req, res) => res.json({ data: await situations.history(String(req.params.slug)) }));
  return r;
}
