import { Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import { HttpError } from '../errors';
import { parseOrThrow, positiveId } from '../validation';
import { TokensService } from './tokens.service';
import type { Storage } from '../storage/database';
import { requireRole } from './auth.middleware';
import { tokenRequestSchema } from './user';
import { usersRepository } from './users.repository';

/** Personal API tokens: exchange email and password for a bearer token (shown once, stored hashed), list and revoke them; disable users. */
export function authApi(storage: Storage, opts: { rateLimit?: number } = {}): Router {
  const r = Router();
  const tokens = new TokensService(storage);
  const limiter = rateLimit({
    windowMs: 15 * 60 * 1000,
    limit: opts.rateLimit ?? 20,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, _res, next) => next(new HttpError(429, 'rate_limited', 'Too many sign-in attempts; wait 15 minutes and try again')),
  });
  r.post('/auth/tokens', limiter, async (req, res) => {
    const { email, password, ...options } = parseOrThrow(tokenRequestSchema, req.body);
    const user = await usersRepository.verify(storage.db, email, password);
    if (!user) throw new HttpError(401, 'unauthenticated', 'Email or password is wrong');
    const made = await tokens.create(user, options);
    res.status(201).json({ ...made, user });
  });
  // The caller's own tokens: list (no secrets) and revoke.
  r.get('/auth/tokens', requireRole('viewer'), async (req, res) => res.json({ data: await tokens.list(req.user!) }));
  r.delete('/auth/tokens/:id', requireRole('viewer'), async (req, res) => {
    await tokens.revoke(req.user!, positiveId(req.params.id));
    res.status(204).end();
  });
  // Admins disable an account: its tokens are revoked and its sessions ended at once.
  r.post('/users/disable', requireRole('admin'), async (req, res) => res.json(await tokens.disableUser(req.body, req.user!)));
  r.get('/me', requireRole('viewer'), (req, res) => res.json(req.user));
  return r;
}
