import { Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import { HttpError } from '../errors';
import { parseOrThrow } from '../validation';
import type { Storage } from '../storage/database';
import { requireRole } from './auth.middleware';
import { tokenRequestSchema } from './user';
import { usersRepository } from './users.repository';

/** Personal API tokens: exchange email and password for a bearer token (shown once, stored hashed). */
export function authApi(storage: Storage, opts: { rateLimit?: number } = {}): Router {
  const r = Router();
  const limiter = rateLimit({ windowMs: 15 * 60 * 1000, limit: opts.rateLimit ?? 20, standardHeaders: 'draft-8', legacyHeaders: false,
    handler: (_req, _res, next) => next(new HttpError(429, 'rate_limited', 'Too many sign-in attempts; wait 15 minutes and try again')) });
  r.post('/auth/tokens', limiter, async (req, res) => {
    const input = parseOrThrow(tokenRequestSchema, req.body);
    const user = await usersRepository.verify(storage.db, input.email, input.password);
    if (!user) throw new HttpError(401, 'unauthenticated', 'Email or password is wrong');
    const token = await usersRepository.createToken(storage.db, user.id, input.label ?? null);
    res.status(201).json({ token, user });
  });
  r.get('/me', requireRole('viewer'), (req, res) => res.json(req.user));
  return r;
}
