import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import multer from 'multer';
import { HttpError, type FieldError } from '../errors';
import { toFieldErrors } from '../validation';
import type { ImportReport } from '../imports/imports.service';
import { importOptionsSchema, MAX_UPLOAD_BYTES, toImportOptions } from '../imports/import-options';
import type { Situation } from '../situations/situation';
import { byField, echo, type FormBody } from './forms';
import { idParam, requirePageRole } from './guards';
import type { PageDeps } from './deps';

/**
 * The import page (editors): upload a CSV, preview it, then commit it (all rows or none).
 *
 * CSRF with a file upload. The pages check a double-submit token taken from the body field `_csrf`
 * (server/pages/locals.ts), but `express.urlencoded` cannot read a multipart body. So this one route has a
 * multipart parser mounted *before* the CSRF check (`importUploadParser`, see server/pages/index.ts): it
 * runs only for signed-in editors (anonymous and viewers are refused before a byte is written), writes the
 * file to a private temp directory with a size limit, and fills `req.body` so the unchanged CSRF middleware
 * finds `_csrf` where it finds it for every other form. No handler runs and nothing is kept unless the token
 * is valid: a request that fails the check has its temp file removed when the response closes. The token
 * never travels in the URL (URLs reach logs and history).
 *
 * Between preview and commit the file stays on the server, never in the client: it is kept under a random
 * 128-bit id in that directory with a small record of who uploaded it (user id and session key) and for which
 * situation. The commit form sends only the id; the server accepts it only from the same session and user for
 * the same situation, within an hour. One pending file per session (a new upload replaces it); files with
 * problems are not kept; a commit claims the file by renaming it (a double submit cannot import it twice) and
 * deletes it after success. Expired files are swept on each upload, and at most MAX_PENDING are kept.
 */

export const UPLOAD_TTL_MS = 60 * 60 * 1000;
const MAX_PENDING = 50;
const ID = /^[a-f0-9]{32}$/;
/** The fields of the import form, in form order (`file` is the upload itself). */
export const IMPORT_FORM_FIELDS = ['file', 'status', 'countryFilter', 'map', 'organisation', 'sourceUrl', 'quote', 'publishedOn', 'location'] as const;
const OPTION_FIELDS = IMPORT_FORM_FIELDS.filter((f) => f !== 'file');

export interface PendingUpload {
  id: string;
  path: string;
  filename: string;
  size: number;
}
interface PendingRecord {
  userId: number;
  sessionKey: string;
  slug: string;
  filename: string;
  size: number;
  createdAt: number;
}

/** A client file name made safe to show and store: no directories, no control characters, at most 200 characters. */
export const cleanFilename = (name: unknown) =>
  (typeof name === 'string' ? path.basename(name.replace(/\\/g, '/')) : '').replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 200) || 'upload.csv';

/** Uploaded files waiting between preview and commit: a private temp directory, one file and one record per id. */
export class PendingUploads {
  constructor(readonly dir: string = path.join(os.tmpdir(), `displacement-tracker-uploads-${process.getuid?.() ?? 'u'}`)) {}

  private ensureDir() {
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
  }
  private file(id: string, suffix: 'csv' | 'json' | 'committing') {
    if (!ID.test(id)) throw new Error('bad upload id');
    return path.join(this.dir, `${id}.${suffix}`);
  }

  /** multer storage: the file lands in the directory under a fresh random id. */
  storage(): multer.StorageEngine {
    return multer.diskStorage({
      destination: (_req, _file, cb) => {
        try {
          this.ensureDir();
          cb(null, this.dir);
        } catch (err) {
          cb(err as Error, this.dir);
        }
      },
      filename: (_req, _file, cb) => cb(null, `${randomBytes(16).toString('hex')}.csv`),
    });
  }

  /** Keeps a just-uploaded file for this session and situation; replaces the session's earlier one. */
  async adopt(req: Request, slug: string): Promise<PendingUpload> {
    const f = req.file!;
    const id = path.basename(f.filename, '.csv');
    const record: PendingRecord = { userId: req.user!.id, sessionKey: req.sessionKey ?? '', slug, filename: cleanFilename(f.originalname), size: f.size, createdAt: Date.now() };
    await this.sweep(req.sessionKey ?? '');
    await fs.promises.writeFile(this.file(id, 'json'), JSON.stringify(record), { mode: 0o600 });
    return { id, path: this.file(id, 'csv'), filename: record.filename, size: record.size };
  }

  /** The pending file with this id, if it belongs to this session, user and situation and has not expired. */
  async find(id: unknown, req: Request, slug: string): Promise<PendingUpload | null> {
    if (typeof id !== 'string' || !ID.test(id) || !req.sessionKey) return null;
    let r: PendingRecord;
    try {
      r = JSON.parse(await fs.promises.readFile(this.file(id, 'json'), 'utf8')) as PendingRecord;
    } catch {
      return null;
    }
    if (r.sessionKey !== req.sessionKey || r.userId !== req.user?.id || r.slug !== slug || Date.now() - r.createdAt > UPLOAD_TTL_MS) return null;
    if (!fs.existsSync(this.file(id, 'csv'))) return null;
    return { id, path: this.file(id, 'csv'), filename: r.filename, size: r.size };
  }

  /** Takes the file for a commit (atomic rename): null when another request has it already. */
  async claim(id: string): Promise<string | null> {
    try {
      await fs.promises.rename(this.file(id, 'csv'), this.file(id, 'committing'));
      return this.file(id, 'committing');
    } catch {
      return null;
    }
  }

  /** Gives a claimed file back (the commit failed; the user may fix the options and try again). */
  async release(id: string): Promise<void> {
    await fs.promises.rename(this.file(id, 'committing'), this.file(id, 'csv')).catch(() => undefined);
  }

  async remove(id: string): Promise<void> {
    await Promise.all((['csv', 'json', 'committing'] as const).map((s) => fs.promises.rm(this.file(id, s), { force: true })));
  }

  /** Removes expired files, the session's earlier upload, and the oldest beyond MAX_PENDING. */
  private async sweep(sessionKey: string): Promise<void> {
    const names = await fs.promises.readdir(this.dir).catch(() => [] as string[]);
    const records: { id: string; createdAt: number }[] = [];
    for (const name of names.filter((n) => n.endsWith('.json'))) {
      const id = name.slice(0, -5);
      if (!ID.test(id)) continue;
      try {
        const r = JSON.parse(await fs.promises.readFile(this.file(id, 'json'), 'utf8')) as PendingRecord;
        if (Date.now() - r.createdAt > UPLOAD_TTL_MS || (sessionKey && r.sessionKey === sessionKey)) await this.remove(id);
        else records.push({ id, createdAt: r.createdAt });
      } catch {
        await this.remove(id);
      }
    }
    // Files without a record (a crash between upload and adoption) go once they are older than the TTL.
    for (const name of names.filter((n) => /^[a-f0-9]{32}\.(csv|committing)$/.test(n))) {
      const st = await fs.promises.stat(path.join(this.dir, name)).catch(() => null);
      if (st && Date.now() - st.mtimeMs > UPLOAD_TTL_MS) await fs.promises.rm(path.join(this.dir, name), { force: true });
    }
    records.sort((a, b) => a.createdAt - b.createdAt);
    for (const r of records.slice(0, Math.max(0, records.length - (MAX_PENDING - 1)))) await this.remove(r.id);
  }
}

/**
 * The multipart parser of the import form, mounted before the CSRF check (see the comment at the top).
 * Only multipart POSTs to the import route by signed-in editors get here; a temp file that no handler kept
 * is removed when the response closes (CSRF failure, invalid form, preview with problems, any error).
 */
export function importUploadParser(uploads: PendingUploads): Router {
  const upload = multer({
    storage: uploads.storage(),
    limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 40, parts: 41, fieldSize: 200 * 1024, fieldNameSize: 100 },
  }).single('file');
  const r = Router();
  const onlyMultipart: RequestHandler = (req, _res, next) => (req.is('multipart/form-data') ? next() : next('route'));
  r.post('/situations/:slug/import', onlyMultipart, requirePageRole('editor'), (req, res, next) => {
    res.on('close', () => {
      if (req.file?.path && !res.locals.uploadKept) fs.rm(req.file.path, { force: true }, () => undefined);
    });
    upload(req, res, (err?: unknown) => {
      if (err) {
        const e = err as { code?: string; message?: string };
        res.locals.uploadError =
          e.code === 'LIMIT_FILE_SIZE'
            ? { status: 413, message: res.locals.t('import.tooLarge', { mb: Math.round(MAX_UPLOAD_BYTES / 1024 / 1024) }) }
            : { status: 400, message: res.locals.t('import.badUpload', { reason: String(e.message ?? e.code ?? 'unreadable form') }) };
        req.body ??= {};
      }
      next();
    });
  });
  return r;
}

/** Form strings → the import options as the API query string gives them, for the shared schema. */
function optionsInput(body: FormBody): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of ['status', 'countryFilter', 'organisation', 'sourceUrl', 'quote', 'publishedOn', 'location'] as const) {
    const v = body[k];
    if (v === undefined || v === null) continue;
    if (typeof v === 'string') {
      const s = v.trim();
      if (s) out[k] = s;
    } else out[k] = v; // arrays or objects from repeated or bracketed names: the schema rejects them
  }
  const map = body.map;
  if (typeof map === 'string') {
    const lines = map.split(/\r\n|\r|\n/).map((l) => l.trim()).filter(Boolean);
    if (lines.length) out.map = lines;
  } else if (map !== undefined && map !== null) out.map = map;
  return out;
}

/** Schema errors as the form shows them: one per field; a mapping line says which line. */
const formErrors = (errors: FieldError[]): FieldError[] =>
  errors.map((e) => {
    const [field, index] = e.path.split('.');
    if (field === 'map' && index !== undefined && /^\d+$/.test(index)) return { path: 'map', message: `line ${Number(index) + 1}: ${e.message}` };
    return OPTION_FIELDS.includes(field as never) ? { path: field, message: e.message } : { path: '(body)', message: `${e.path}: ${e.message}` };
  });

interface FormState {
  situation: Situation;
  values: Record<string, string>;
  errors?: FieldError[];
  upload?: PendingUpload | null;
  report?: ImportReport | null;
  problem?: string | null;
}

/** GET /import (situations to import into), the import form with its preview, and the record of a finished import. */
export function importPages(d: PageDeps, uploads: PendingUploads): Router {
  const r = Router();

  const render = (res: Response, status: number, s: FormState) => {
    const errors = s.errors ?? [];
    // The summary lists the form's fields first, in form order.
    const order = (p: string) => { const i = (IMPORT_FORM_FIELDS as readonly string[]).indexOf(p.split('.')[0]); return i < 0 ? 99 : i; };
    const sorted = [...errors].sort((a, b) => order(a.path) - order(b.path));
    res.status(status).render('imports/form', {
      title: `${res.locals.t('import.title')} · ${s.situation.title}`,
      situation: s.situation,
      values: s.values,
      errors: sorted,
      fieldErrors: byField(sorted),
      upload: s.upload ?? null,
      report: s.report ?? null,
      problem: s.problem ?? null,
      statuses: ['draft', 'approved'],
      maxMb: Math.round(MAX_UPLOAD_BYTES / 1024 / 1024),
    });
  };

  r.get('/import', requirePageRole('editor'), async (_req, res) => {
    res.render('imports/index', { title: res.locals.t('import.chooseTitle'), situations: await d.situations.list() });
  });

  r.get('/situations/:slug/import', requirePageRole('editor'), async (req, res) => {
    const situation = await d.situations.get(String(req.params.slug));
    render(res, 200, { situation, values: { status: 'draft' } });
  });

  r.post('/situations/:slug/import', requirePageRole('editor'), async (req, res) => {
    const situation = await d.situations.get(String(req.params.slug));
    const slug = situation.slug;
    const body = (req.body ?? {}) as FormBody;
    const values = echo(body, OPTION_FIELDS);
    const action = body.action === 'commit' ? 'commit' : 'preview';
    const errors: FieldError[] = [];
    let status = 400;
    let upload: PendingUpload | null = null;

    const uploadError = res.locals.uploadError as { status: number; message: string } | undefined;
    if (uploadError) {
      errors.push({ path: 'file', message: uploadError.message });
      status = uploadError.status;
    } else if (req.file) {
      if (req.file.size === 0) errors.push({ path: 'file', message: res.locals.t('import.emptyFile') });
      else {
        upload = await uploads.adopt(req, slug);
        res.locals.uploadKept = true;
      }
    } else if (typeof body.upload === 'string' && body.upload) {
      upload = await uploads.find(body.upload, req, slug);
      if (!upload) errors.push({ path: 'file', message: res.locals.t('import.uploadGone') });
    } else errors.push({ path: 'file', message: res.locals.t('import.fileRequired') });

    const parsed = importOptionsSchema.safeParse(optionsInput(body));
    if (!parsed.success) errors.push(...formErrors(toFieldErrors(parsed.error)));
    if (errors.length || !upload || !parsed.success) return render(res, status, { situation, values, errors, upload });

    const pending = upload;
    const options = toImportOptions(parsed.data, pending.filename, pending.size);
    const preview = async (file: string) => d.imports.preview(slug, () => fs.createReadStream(file), options, req.user!);
    /** A refusal of the service (never a 5xx) shown on the form; the file is kept for another try. */
    const refused = (err: unknown) => {
      if (!(err instanceof HttpError) || err.status >= 500) throw err;
      const fields = err.details.fields ?? [];
      return render(res, err.status, { situation, values, upload: pending, errors: fields.length && err.code === 'validation_failed' ? formErrors(fields) : [], problem: err.message });
    };

    if (action === 'preview') {
      let report: ImportReport;
      try {
        report = await preview(pending.path);
      } catch (err) {
        return refused(err);
      }
      // Nothing to commit: the file is not kept (problems must be fixed in the file itself).
      const keep = report.errorCount === 0 && report.newFigures > 0;
      if (!keep) await uploads.remove(pending.id);
      return render(res, 200, { situation, values, upload: keep ? pending : null, report });
    }

    const claimed = await uploads.claim(pending.id);
    if (!claimed) return render(res, 409, { situation, values, errors: [{ path: 'file', message: res.locals.t('import.busy') }] });
    let report: ImportReport;
    try {
      report = await d.imports.commit(slug, () => fs.createReadStream(claimed), options, req.user!);
    } catch (err) {
      if (!(err instanceof HttpError) || err.status >= 500) {
        await uploads.release(pending.id);
        throw err;
      }
      // Show the whole report again (every problem), with the reason the commit was refused.
      let again: ImportReport | null = null;
      try {
        again = await preview(claimed);
      } catch {
        again = null;
      }
      const keep = !!again && again.errorCount === 0 && again.newFigures > 0;
      if (keep) await uploads.release(pending.id);
      else await uploads.remove(pending.id);
      return render(res, err.status, { situation, values, upload: keep ? pending : null, report: again, problem: err.message });
    }
    await uploads.remove(pending.id);
    res.redirect(303, `/situations/${encodeURIComponent(slug)}/imports/${report.importId}`);
  });

  r.get('/situations/:slug/imports/:id', requirePageRole('editor'), async (req, res) => {
    const id = idParam(req);
    const { situation, record, counts } = await d.imports.record(String(req.params.slug), id);
    res.render('imports/show', { title: res.locals.t('import.doneTitle', { id }), situation, record, counts });
  });

  return r;
}
