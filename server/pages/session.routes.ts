import { z } from 'zod';
import { Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { Storage } from '../storage/database';
import { usersRepository } from '../auth/users.repository';
import { endSession, startSession } from '../auth/session';
import { safeNext } from './guards';

/** Sign-in and sign-out. Failed attempts are limited per address (successful ones do not count). */
export function sessionRoutes(storage: Storage, opts: { attempts?: number } = {}): Router {
  const r = Router();
  const render = (res: import('express').Response, status: number, data: { email?: string; next?: string; problem?: string | null; fields?: Record<string, string> }) =>
    res.status(status).render('session/sign-in', {
      title: res.locals.t('signIn.title'),
      email: data.email ?? '',
      next: safeNext(data.next),
      problem: data.problem ?? null,
      fields: data.fields ?? {},
    });

  const limiter = rateLimit({
    windowMs: 15 * 60 * 1000,
    limit: opts.attempts ?? 10,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (req, res) => render(res, 429, { email: String(req.body?.email ?? ''), next: req.body?.next, problem: res.locals.t('signIn.tooMany') }),
  });

  r.get('/sign-in', (req, res) => {
    if (req.user) return res.redirect(303, safeNext(req.query.next));
    render(res, 200, { next: typeof req.query.next === 'string' ? req.query.next : '/' });
  });

  r.post('/sign-in', limiter, async (req, res) => {
    const email = typeof req.body.email === 'string' ? req.body.email.trim() : '';
    const password = typeof req.body.password === 'string' ? req.body.password : '';
    const fields: Record<string, string> = {};
    if (!email) fields.email = res.locals.t('signIn.emailRequired');
    // Checked before the look-up: PostgreSQL refuses some text (a NUL character) outright, which must not become a 500.
    else if (!z.email().safeParse(email.toLowerCase()).success) fields.email = res.locals.t('signIn.emailInvalid');
    if (!password) fields.password = res.locals.t('signIn.passwordRequired');
    if (Object.keys(fields).length) return render(res, 400, { email, next: req.body.next, fields });
    const user = await usersRepository.verify(storage.db, email, password);
    if (!user) return render(res, 401, { email, next: req.body.next, problem: res.locals.t('signIn.wrong') });
    await startSession(storage, req, res, user);
    res.redirect(303, safeNext(req.body.next));
  });

  r.post('/sign-out', async (req, res) => {
    await endSession(storage, req, res);
    res.redirect(303, '/?done=signedOut');
  });
  return r;
}
