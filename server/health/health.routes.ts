import { Router } from 'express';
import { ping, type Storage } from '../storage/database';
import { RETRY_AFTER_SECONDS } from '../errors';

/** GET /healthz: 200 when a database round trip works, 503 otherwise. */
export function healthRoutes(storage: Storage): Router {
  const r = Router();
  r.get('/healthz', async (_req, res) => {
    try {
      await ping(storage.db);
      res.json({ status: 'ok', database: storage.dialect });
    } catch (err) {
      res
        .status(503)
        .set('Retry-After', String(RETRY_AFTER_SECONDS[503]))
        .json({ status: 'unavailable', database: storage.dialect, error: (err as Error).message });
    }
  });
  return r;
}
