import { Router } from 'express';
import { requireRole } from '../auth/auth.middleware';
import { parseOrThrow, iso3 } from '../validation';
import { HttpError } from '../errors';
import { nowIso, type Storage } from '../storage/database';
import { z } from 'zod';
import { locationsRepository } from './locations.repository';
import { organisationCreateSchema, organisationsRepository } from '../organisations/organisations.repository';

/** Reference data: locations and organisations. */
export function referenceApi(storage: Storage): Router {
  const r = Router();
  r.get('/locations', async (req, res) => {
    const q = parseOrThrow(z.strictObject({ country: iso3().optional() }), req.query);
    res.json({ data: await locationsRepository.list(storage.db, q.country) });
  });
  r.get('/organisations', async (_req, res) => res.json({ data: await organisationsRepository.list(storage.db) }));
  r.post('/organisations', requireRole('editor'), async (req, res) => {
    const input = parseOrThrow(organisationCreateSchema, req.body);
    if (await organisationsRepository.byShortName(storage.db, input.shortName))
      throw new HttpError(409, 'conflict', `An organisation with short name ${input.shortName} already exists`);
    await organisationsRepository.insert(storage.db, input, nowIso());
    res.status(201).json(await organisationsRepository.byShortName(storage.db, input.shortName));
  });
  return r;
}
