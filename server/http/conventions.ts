import type { Request, RequestHandler, Response } from 'express';
import cors from 'cors';
import type { Config } from '../config';

/**
 * HTTP conventions integrators' tools expect of a public API: cross-origin reads, revalidation and `Link`
 * pagination (`Retry-After` is set by the error handler, server/errors.ts).
 */

/** Headers a cross-origin script may read besides the safelisted ones. */
const EXPOSED = ['ETag', 'Link', 'RateLimit', 'RateLimit-Policy', 'Retry-After', 'Content-Disposition', 'X-Request-Id'];

/**
 * CORS for reads only: GET and HEAD (and their preflight) of the public API and the CSV downloads get
 * `Access-Control-Allow-Origin` for the configured origins; writes never do, so a page elsewhere cannot post with a
 * visitor's token, and nothing does when PUBLIC_READ=false (reading then needs an account, whose token must not
 * travel cross-origin). No credentials: the cookie of a signed-in editor never unlocks drafts for another site.
 */
export function readOnlyCors(config: Pick<Config, 'PUBLIC_READ' | 'CORS_ORIGINS'>): RequestHandler {
  if (!config.PUBLIC_READ || config.CORS_ORIGINS === false) return (_req, _res, next) => next();
  const handler = cors({
    origin: config.CORS_ORIGINS === '*' ? '*' : [...config.CORS_ORIGINS],
    methods: ['GET', 'HEAD'],
    allowedHeaders: ['If-None-Match'],
    exposedHeaders: EXPOSED,
    credentials: false,
    maxAge: 600,
  });
  return (req, res, next) => {
    const read = req.method === 'GET' || req.method === 'HEAD';
    const readPreflight = req.method === 'OPTIONS' && /^(GET|HEAD)$/i.test(req.get('access-control-request-method') ?? '');
    if (read || readPreflight) return handler(req, res, next);
    next();
  };
}

/**
 * API reads are revalidated rather than reused blindly: Express already sends an ETag with every JSON body and
 * answers `If-None-Match` with 304; `no-cache` makes clients ask each time, and `Vary: Authorization` keeps an
 * editor's answer (drafts included) apart from an anonymous one in any cache.
 */
export const revalidateReads: RequestHandler = (req, res, next) => {
  if (req.method === 'GET' || req.method === 'HEAD') {
    res.vary('Authorization');
    res.set('Cache-Control', 'no-cache');
  }
  next();
};

/** `Link: <…>; rel="next"` for a cursor-paged list: the same URL with `cursor` replaced (RFC 8288; a path, resolved against the request). */
export function linkNext(req: Request, res: Response, cursor: string | null): void {
  if (!cursor) return;
  const url = new URL(req.originalUrl, 'http://x');
  url.searchParams.set('cursor', cursor);
  res.links({ next: `${url.pathname}${url.search}` });
}
