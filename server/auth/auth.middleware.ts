import type { RequestHandler } from 'express';
import { HttpError } from '../errors';
import type { Storage } from '../storage/database';
import { hasRole, type Role } from './user';
import { usersRepository } from './users.repository';

/** Sets req.user from an `Authorization: Bearer` token. A malformed or unknown token is a 401, never silently anonymous. */
export function bearerAuth(storage: Storage): RequestHandler {
  return async (req, _res, next) => {
    const header = req.get('authorization');
    if (!header) return next();
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m) return next(new HttpError(401, 'unauthenticated', 'Authorization header must be "Bearer <token>"'));
    const user = await usersRepository.byToken(storage.db, m[1]);
    if (!user) return next(new HttpError(401, 'unauthenticated', 'The API token is unknown or revoked'));
    req.user = user;
    next();
  };
}

/** 401 without a user, 403 with a user whose role is too low. */
export const requireRole =
  (role: Role): RequestHandler =>
  (req, _res, next) => {
    if (!req.user) return next(new HttpError(401, 'unauthenticated', `Sign in or send an API token: this needs the ${role} role`));
    if (!hasRole(req.user, role)) return next(new HttpError(403, 'forbidden', `This needs the ${role} role; you are ${req.user.role}`));
    next();
  };

/** With PUBLIC_READ=false every read needs a signed-in user (any role). */
export const readGate =
  (publicRead: boolean): RequestHandler =>
  (req, _res, next) => {
    if (publicRead || req.user) return next();
    next(new HttpError(401, 'unauthenticated', 'Reading needs an account on this server (PUBLIC_READ=false)'));
  };
