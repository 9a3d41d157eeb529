import { randomBytes } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import type { Storage } from '../storage/database';
import { tokenHash } from './passwords';
import { SESSION_TTL_MS, sessionsRepository } from './sessions.repository';
import type { AuthUser } from './user';

/**
 * Browser sessions for the pages: a random id in an httpOnly, SameSite=Lax cookie (Secure over HTTPS);
 * the database keeps only its SHA-256, so several app instances share sessions and a leaked table gives no
 * usable cookie. Sessions last SESSION_TTL_MS from sign-in; signing in again replaces the old one.
 * The JSON API never reads this cookie (it uses bearer tokens), so it needs no CSRF protection.
 */
export const SESSION_COOKIE = 'dt_session';
export { SESSION_TTL_MS };

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** SHA-256 of the session id when signed in through a page (binds CSRF tokens to the session). */
      sessionKey?: string;
    }
  }
}

const cookieOptions = (req: Request) => ({ httpOnly: true, sameSite: 'lax' as const, secure: req.secure, path: '/' });

/** Reads the session cookie; sets req.user and req.sessionKey. A stale cookie is cleared, never an error. */
export function sessionAuth(storage: Storage): RequestHandler {
  return async (req, res, next) => {
    const id = req.cookies?.[SESSION_COOKIE];
    if (typeof id !== 'string' || !id) return next();
    try {
      const user = await sessionsRepository.user(storage.db, id);
      if (user) {
        req.user = user;
        req.sessionKey = tokenHash(id);
      } else res.clearCookie(SESSION_COOKIE, cookieOptions(req));
      next();
    } catch (err) {
      next(err);
    }
  };
}

export async function startSession(storage: Storage, req: Request, res: Response, user: AuthUser): Promise<void> {
  const old = req.cookies?.[SESSION_COOKIE];
  if (typeof old === 'string' && old) await sessionsRepository.delete(storage.db, old);
  // Expired rows are cleared at sign-in, so the table does not grow without a separate job.
  await sessionsRepository.purgeExpired(storage.db);
  const { id } = await sessionsRepository.create(storage.db, user.id);
  res.cookie(SESSION_COOKIE, id, { ...cookieOptions(req), maxAge: SESSION_TTL_MS });
}

export async function endSession(storage: Storage, req: Request, res: Response): Promise<void> {
  const id = req.cookies?.[SESSION_COOKIE];
  if (typeof id === 'string' && id) await sessionsRepository.delete(storage.db, id);
  res.clearCookie(SESSION_COOKIE, cookieOptions(req));
}

/** A random per-process secret when SESSION_SECRET is not configured (sessions themselves live in the database; only CSRF tokens depend on it). */
export const randomSecret = () => randomBytes(32).toString('base64url');
