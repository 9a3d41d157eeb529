import { gzipSync } from 'node:zlib';
import type { Request, Response } from 'express';

/**
 * Finished pages for anonymous readers: the HTML, its gzip and its ETag, kept per URL while the data they show is
 * unchanged, so a request is a look-up and a write instead of a render, a gzip and a hash of the whole body
 * (BENCHMARKS.md P1). Only pages rendered for a request without a user are stored, and a render that asked for a
 * CSRF token is not stored at all: nothing per person can reach another reader. Signed-in users get a fresh render.
 *
 * Freshness is the caller's `stamp` (an object compared by identity, e.g. the cached SituationView, which is
 * replaced when the situation's `updated_at` moves, also when another instance wrote it). Entries are evicted
 * oldest-used first beyond `maxBytes`, so crawling every location × category × horizon cannot grow memory.
 */
export interface CachedPage {
  stamp: object;
  html: Buffer;
  gzip: Buffer;
  etag: string | undefined;
}

export class PageCache {
  private readonly entries = new Map<string, CachedPage>();
  private bytes = 0;

  constructor(private readonly maxBytes = 48 * 1024 * 1024) {}

  get(key: string, stamp: object): CachedPage | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    this.entries.delete(key);
    if (hit.stamp !== stamp) {
      this.bytes -= hit.html.length + hit.gzip.length;
      return undefined;
    }
    this.entries.set(key, hit); // most recently used goes last
    return hit;
  }

  set(key: string, stamp: object, html: string, etag: string | undefined): CachedPage {
    const old = this.entries.get(key);
    if (old) {
      this.entries.delete(key);
      this.bytes -= old.html.length + old.gzip.length;
    }
    const body = Buffer.from(html, 'utf8');
    // Compressed once per version of the page, so the smallest output is worth its extra milliseconds.
    const page: CachedPage = { stamp, html: body, gzip: gzipSync(body, { level: 9 }), etag };
    this.entries.set(key, page);
    this.bytes += page.html.length + page.gzip.length;
    for (const [k, e] of this.entries) {
      if (this.bytes <= this.maxBytes || k === key) break;
      this.entries.delete(k);
      this.bytes -= e.html.length + e.gzip.length;
    }
    return page;
  }

  get size(): number {
    return this.entries.size;
  }
}

/** Whether a page rendered for this request may be stored and served to other readers. */
export const cacheableForAnyone = (req: Request, res: Response) => !req.user && !res.locals.notice && req.method === 'GET';

/**
 * Renders a view to a string for the shared cache. A template that asks for a CSRF token (a form posting back)
 * is per visitor, so the render is reported as not shareable (the token and its cookie are still produced, so the
 * page this request receives stays correct).
 */
export function renderShared(res: Response, view: string, locals: Record<string, unknown>): Promise<{ html: string; shareable: boolean }> {
  let shareable = true;
  const csrfToken = res.locals.csrfToken as (() => string) | undefined;
  return new Promise((resolve, reject) =>
    res.app.render(
      view,
      {
        ...res.locals,
        ...locals,
        csrfToken: () => {
          shareable = false;
          return csrfToken ? csrfToken() : '';
        },
      },
      (err, html) => (err ? reject(err) : resolve({ html, shareable })),
    ),
  );
}

/** The ETag Express would give this body (its `etag fn` setting), or none when ETags are off. */
export function etagOf(res: Response, html: string): string | undefined {
  const fn = res.app.get('etag fn') as ((body: string, encoding: string) => string) | undefined;
  return typeof fn === 'function' ? fn(html, 'utf8') : undefined;
}

/**
 * Sends a cached page: 304 when the reader's copy is current, the stored gzip when the reader accepts gzip (the
 * compression middleware leaves an encoded body alone), the HTML otherwise. Headers set earlier (Cache-Control,
 * Vary: Cookie, security headers, a cookie clearing a stale session) stay as they are.
 */
export function sendCachedPage(req: Request, res: Response, page: CachedPage): void {
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.vary('Accept-Encoding');
  if (page.etag) res.setHeader('ETag', page.etag);
  if (req.fresh) {
    res.status(304).end();
    return;
  }
  const gzip = req.acceptsEncodings('gzip', 'identity') === 'gzip';
  const body = gzip ? page.gzip : page.html;
  if (gzip) res.setHeader('Content-Encoding', 'gzip');
  res.setHeader('Content-Length', body.length);
  res.end(req.method === 'HEAD' ? undefined : body);
}
