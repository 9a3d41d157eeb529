import type { Request, RequestHandler } from 'express';
import { MAX_ID } from '../validation';
import { HttpError } from '../errors';
import { hasRole, type Role } from '../auth/user';

/** Only a local path is a safe place to return to after signing in (never "//evil.example" or a full URL). */
export const safeNext = (v: unknown): string => (typeof v === 'string' && /^\/(?![/\\])[^\s]*$/.test(v) ? v : '/');

export const signInUrl = (req: Request) => `/sign-in?next=${encodeURIComponent(req.originalUrl)}`;

/** Pages that need a role: anonymous readers are sent to sign in (and back); a lower role is a 403. */
export const requirePageRole =
  (role: Role): RequestHandler =>
  (req, res, next) => {
    if (!req.user) {
      if (req.method === 'GET' || req.method === 'HEAD') return res.redirect(303, signInUrl(req));
      return next(new HttpError(401, 'unauthenticated', res.locals.t('error.signInFirst')));
    }
    if (!hasRole(req.user, role)) return next(new HttpError(403, 'forbidden', res.locals.t('error.role', { role: res.locals.t(`role.${role}`) })));
    next();
  };

/** PUBLIC_READ=false: every page but sign-in (and an email's unsubscribe link) needs an account. */
export const pageReadGate =
  (publicRead: boolean): RequestHandler =>
  (req, res, next) => {
    // An email's unsubscribe link works without an account session (its token is the permission).
    if (publicRead || req.user || req.path === '/sign-in' || req.path === '/alerts/unsubscribe') return next();
    if (req.method === 'GET' || req.method === 'HEAD') return res.redirect(303, signInUrl(req));
    next(new HttpError(401, 'unauthenticated', res.locals.t('error.signInFirst')));
  };

/** Express 5 passes rejected promises to next(); this only narrows the handler type for async routes. */
export const idParam = (req: Request, name = 'id') => {
  const id = Number(req.params[name]);
  if (!Number.isSafeInteger(id) || id < 1 || id > MAX_ID) throw new HttpError(404, 'not_found', `No page ${req.path}`);
  return id;
};
