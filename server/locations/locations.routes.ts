import { Router } from 'express';
import { z } from 'zod';
import { requireRole } from '../auth/auth.middleware';
import { parseQuery, iso3 } from '../validation';
import type { LocationsService } from './locations.service';
import type { OrganisationsService } from '../organisations/organisations.service';

/** Reference data: locations and organisations. */
export function referenceApi(locations: LocationsService, organisations: OrganisationsService): Router {
  const r = Router();
  r.get('/locations', async (req, res) => {
    const q = parseQuery(z.strictObject({ country: iso3().optional() }), req.query);
    res.json({ data: await locations.list(q.country) });
  });
  r.get('/organisations', async (_req, res) => res.json({ data: await organisations.list() }));
  r.post('/organisations', requireRole('editor'), async (req, res) => res.status(201).json(await organisations.create(req.body)));
  return r;
}
