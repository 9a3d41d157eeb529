import type { ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import { problem, type FieldErrorCode, type FieldErrorParams } from './i18n/field-errors';

/** A problem with one input field: `message` in English (as the API always gave it), `code` and `params` for any language. */
export interface FieldError {
  path: string;
  message: string;
  code?: FieldErrorCode;
  params?: FieldErrorParams;
}

/** A field error by its code (validation.<code> in the catalogues), with the English message. */
export const fieldError = (path: string, code: FieldErrorCode, params?: FieldErrorParams): FieldError => ({ path, ...problem(code, params) });

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

const UPLOAD_LIMITS: Record<string, FieldErrorCode> = {
  LIMIT_FILE_COUNT: 'upload_file_count',
  LIMIT_UNEXPECTED_FILE: 'upload_unexpected_file',
  LIMIT_PART_COUNT: 'upload_part_count',
  LIMIT_FIELD_KEY: 'upload_field_key',
  LIMIT_FIELD_VALUE: 'upload_field_value',
  LIMIT_FIELD_COUNT: 'upload_field_count',
  MISSING_FIELD_NAME: 'upload_missing_field_name',
};

/**
 * The one mapping of upload (multipart) errors to answers, for the API and the import page: multer's limits by
 * code, and busboy's parse errors (no boundary, a truncated body, a malformed part), which carry no code. A file
 * over the size limit is 413; every other one a 400 naming the problem. Null when `err` is not an upload error.
 */
export function uploadError(err: unknown, maxBytes?: number): HttpError | null {
  const e = err as { name?: string; code?: string; message?: string; field?: string } | null;
  if (!e || typeof e !== 'object') return null;
  if (e.code === 'LIMIT_FILE_SIZE')
    return new HttpError(413, 'too_large', `file: the file is larger than ${maxBytes ? `${Math.round(maxBytes / 1024 / 1024)} MB` : 'the limit'}`, {
      fields: [fieldError('file', 'file_too_large')],
    });
  if (e.name === 'MulterError' || (e.code && e.code in UPLOAD_LIMITS)) {
    const code = UPLOAD_LIMITS[e.code ?? ''];
    const field = fieldError(
      e.field && e.code !== 'LIMIT_UNEXPECTED_FILE' ? e.field : 'file',
      code ?? 'upload_unreadable',
      code ? undefined : { reason: String(e.message ?? 'the form could not be read') },
    );
    return new HttpError(400, 'bad_upload', `file: ${code ? field.message : String(e.message ?? 'the form could not be read')}`, { fields: [field] });
  }
  if (typeof e.message === 'string' && /^(Multipart: |Unexpected end of (form|file)|Malformed part header|Part terminated early)/.test(e.message))
    return new HttpError(400, 'bad_upload', `file: the multipart form could not be read (${e.message})`, {
      fields: [fieldError('file', 'upload_unreadable', { reason: e.message })],
    });
  return null;
}

/**
 * What the multipart parser's error means for the request: a mapped upload error, or a generic 400 for any other
 * parse error of the client's body; an error of the machine (a system call such as a disk write) stays as it is.
 */
/**
 * multer's options every upload shares: file names decoded as UTF-8 (browsers and curl send them so; multer's
 * default, latin1, turned an Arabic name into mojibake).
 */
export const UPLOAD_CHARSETS = { defParamCharset: 'utf8' } as const;

/**
 * A client file name made safe to show and store: no directories, no control or bidirectional control
 * characters, at most 200 characters; `fallback` when nothing is left.
 */
export const cleanFilename = (name: unknown, fallback = 'upload.csv') =>
  (typeof name === 'string' ? (name.replace(/\\/g, '/').split('/').pop() ?? '') : '')
    .replace(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, '')
    .trim()
    .slice(0, 200) || fallback;

export function fromUploadError(err: unknown, maxBytes?: number): unknown {
  const mapped = uploadError(err, maxBytes);
  if (mapped) return mapped;
  if ((err as { syscall?: string })?.syscall) return err;
  const message = String((err as { message?: string })?.message ?? 'unreadable form');
  return new HttpError(400, 'bad_upload', `file: the multipart form could not be read (${message})`, {
    fields: [fieldError('file', 'upload_unreadable', { reason: message })],
  });
}

/** Wants HTML when the request is not under /api and accepts text/html. */
export const wantsHtml = (req: { path: string; accepts: (t: string[]) => string | false }) => !req.path.startsWith('/api/') && req.accepts(['json', 'html']) === 'html';

/** The one error handler: JSON for the API, an HTML page otherwise. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    let e: HttpError;
    if (err instanceof HttpError) e = err;
    else if (err?.type === 'entity.parse.failed') e = new HttpError(400, 'invalid_json', 'The request body is not valid JSON');
    else if (err?.type === 'entity.too.large') e = new HttpError(413, 'too_large', 'The request body is too large');
    else if (uploadError(err)) e = uploadError(err)!;
    else if (err?.code === 'EBADCSRFTOKEN' || err?.code === 'ERR_BAD_CSRF_TOKEN' || err?.name === 'ForbiddenError')
      e = new HttpError(403, 'csrf_failed', 'The form has expired or was not sent from this site; reload the page and try again');
    // PostgreSQL cannot store or compare text holding a NUL character (SQLite can): a value that reached a query unchecked.
    else if (err?.code === '22021' || err?.code === '22P05')
      e = new HttpError(400, 'invalid_text', 'A value in the request contains a character that cannot be stored (such as NUL, \\u0000); remove it and try again');
    else if (typeof err?.status === 'number' && err.status >= 400 && err.status < 500) e = new HttpError(err.status, 'bad_request', String(err.message ?? 'Bad request'));
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
