import type { ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';

export interface FieldError {
  path: string;
  message: string;
}

/** An error with an HTTP status and a stable machine code; everything else is a 500. */
export class HttpError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: string,
    message: string,
    public readonly details: { fields?: FieldError[]; current?: unknown } = {},
  ) {
    super(message);
  }
}

/** Seconds a client should wait before retrying a 429 or 503 when nothing more precise is known. */
export const RETRY_AFTER_SECONDS = { 429: 60, 503: 30 } as const;

export const notFound = (what: string) => new HttpError(404, 'not_found', `${what} not found`);

export const validationFailed = (fields: FieldError[]) =>
  new HttpError(
    400,
    'validation_failed',
    fields.length === 1 ? `${fields[0].path}: ${fields[0].message}` : `${fields.length} fields are invalid: ${fields.map((f) => f.path).join(', ')}`,
    { fields },
  );

/** Wants HTML when the request is not under /api and accepts text/html. */
export const wantsHtml = (req: { path: string; accepts: (t: string[]) => string | false }) =>
  !req.path.startsWith('/api/') && req.accepts(['json', 'html']) === 'html';

/** The one error handler: JSON for the API, an HTML page otherwise. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    let e: HttpError;
    if (err instanceof HttpError) e = err;
    else if (err?.type === 'entity.parse.failed') e = new HttpError(400, 'invalid_json', 'The request body is not valid JSON');
    else if (err?.type === 'entity.too.large') e = new HttpError(413, 'too_large', 'The request body is too large');
    else if (err?.code === 'EBADCSRFTOKEN' || err?.code === 'ERR_BAD_CSRF_TOKEN' || err?.name === 'ForbiddenError')
      e = new HttpError(403, 'csrf_failed', 'The form has expired or was not sent from this site; reload the page and try again');
    // PostgreSQL cannot store or compare text holding a NUL character (SQLite can): a value that reached a query unchecked.
    else if (err?.code === '22021' || err?.code === '22P05')
      e = new HttpError(400, 'invalid_text', 'A value in the request contains a character that cannot be stored (such as NUL, \\u0000); remove it and try again');
    else if (typeof err?.status === 'number' && err.status >= 400 && err.status < 500)
      e = new HttpError(err.status, 'bad_request', String(err.message ?? 'Bad request'));
    else {
      logger.error({ err, reqId: (req as { id?: unknown }).id }, 'unhandled error');
      e = new HttpError(500, 'internal', 'Something went wrong on the server; the error has been logged');
    }
    if (res.headersSent) return;
    res.status(e.status);
    // express-rate-limit sets its own, more precise Retry-After before it gets here.
    if ((e.status === 429 || e.status === 503) && !res.get('Retry-After')) res.set('Retry-After', String(RETRY_AFTER_SECONDS[e.status]));
    if (wantsHtml(req)) {
      res.render('error', { status: e.status, code: e.code, message: e.message, fields: e.details.fields ?? [] }, (renderErr, html) => {
        if (renderErr) res.type('text').send(`${e.status} ${e.message}`);
        else res.send(html);
      });
    } else {
      res.json({ error: { code: e.code, message: e.message, ...e.details } });
    }
  };
}
