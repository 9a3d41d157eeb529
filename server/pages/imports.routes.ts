import fs from 'node:fs';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import multer from 'multer';
import { HttpError, fromUploadError, UPLOAD_CHARSETS, type FieldError } from '../errors';
import { toFieldErrors } from '../validation';
import { CATEGORIES, QUANTIFIERS, UNITS } from '../figures/figure';
import type { ImportOptions, ImportReport } from '../imports/imports.service';
import type { PendingUploads, PendingUpload } from '../imports/pending-uploads';
import { importOptionsSchema, MAX_UPLOAD_BYTES, toImportOptions } from '../imports/import-options';
import type { Situation } from '../situations/situation';
import { byField, echo, type FormBody } from './forms';
import { idParam, requirePageRole } from './guards';
import type { PageDeps } from './deps';
import { hasRole } from '../auth/user';
import type { I18n } from '../i18n/i18n';
import { localMessage } from '../i18n/field-errors';

/*
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
 * Between preview and commit the file waits in the pending-upload store (server/imports/pending-uploads.ts).
 */

/** The fields of the import form, in form order (`file` is the upload itself). */
export const IMPORT_FORM_FIELDS = [
  'file',
  'status',
  'countryFilter',
  'map',
  'organisation',
  'sourceUrl',
  'quote',
  'publishedOn',
  'location',
  'category',
  'quantifier',
  'unit',
] as const;
const OPTION_FIELDS = IMPORT_FORM_FIELDS.filter((f) => f !== 'file');

/**
 * The multipart parser of the import form, mounted before the CSRF check (see the comment at the top).
 * Only multipart POSTs to the import route by signed-in editors get here; a temp file that no handler kept
 * is removed when the response closes (CSRF failure, invalid form, preview with problems, any error).
 */
export function importUploadParser(uploads: PendingUploads): Router {
  const upload = multer({
    ...UPLOAD_CHARSETS,
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
        const mapped = fromUploadError(err, MAX_UPLOAD_BYTES);
        if (!(mapped instanceof HttpError)) return next(mapped); // not the client's form (e.g. the disk): the error handler logs it
        res.locals.uploadError =
          mapped.status === 413
            ? { status: 413, message: res.locals.t('import.tooLarge', { mb: Math.round(MAX_UPLOAD_BYTES / 1024 / 1024) }) }
            : {
                status: 400,
                message: res.locals.t('import.badUpload', { reason: mapped.details.fields?.[0] ? res.locals.fieldMessage(mapped.details.fields[0]) : mapped.message }),
              };
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
  for (const k of ['status', 'countryFilter', 'organisation', 'sourceUrl', 'quote', 'publishedOn', 'location', 'category', 'quantifier', 'unit'] as const) {
    const v = body[k];
    if (v === undefined || v === null) continue;
    if (typeof v === 'string') {
      const s = v.trim();
      if (s) out[k] = s;
    } else out[k] = v; // arrays or objects from repeated or bracketed names: the schema rejects them
  }
  const map = body.map;
  if (typeof map === 'string') {
    const lines = map
      .split(/\r\n|\r|\n/)
      .map((l) => l.trim())
      .filter(Boolean);
    if (lines.length) out.map = lines;
  } else if (map !== undefined && map !== null) out.map = map;
  return out;
}

/** Schema errors as the form shows them, in its language: one per field; a mapping line says which line. */
const formErrors = (errors: FieldError[], i18n: I18n): FieldError[] =>
  errors.map((e) => {
    const [field, index] = e.path.split('.');
    if (field === 'map' && index !== undefined && /^\d+$/.test(index))
      return { path: 'map', message: i18n.t('import.mapLine', { line: Number(index) + 1, problem: localMessage(e, i18n) }) };
    return OPTION_FIELDS.includes(field as never) ? { ...e, path: field } : { path: '(body)', message: `${e.path}: ${localMessage(e, i18n)}` };
  });

/** A posted import form that can be previewed or committed. */
interface ReadyForm {
  ok: true;
  situation: Situation;
  values: Record<string, string>;
  upload: PendingUpload;
  options: ImportOptions;
  commit: boolean;
}
type PostedForm = ReadyForm | { ok: false; values: Record<string, string>; errors: FieldError[]; status: number; upload: PendingUpload | null };

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
    const order = (p: string) => {
      const i = (IMPORT_FORM_FIELDS as readonly string[]).indexOf(p.split('.')[0]);
      return i < 0 ? 99 : i;
    };
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
      // Importing as approved skips the second pair of eyes: admins only.
      statuses: hasRole(res.locals.user, 'admin') ? ['draft', 'approved'] : ['draft'],
      importChoices: { categories: CATEGORIES, quantifiers: QUANTIFIERS, units: UNITS },
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

  /** The file (a new upload, or the pending one the form names) and the options of a posted import form. */
  const readForm = async (req: Request, res: Response, situation: Situation): Promise<PostedForm> => {
    const body = (req.body ?? {}) as FormBody;
    const values = echo(body, OPTION_FIELDS);
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
        upload = await uploads.adopt(req, situation.slug);
        res.locals.uploadKept = true;
      }
    } else if (typeof body.upload === 'string' && body.upload) {
      upload = await uploads.find(body.upload, req, situation.slug);
      if (!upload) errors.push({ path: 'file', message: res.locals.t('import.uploadGone') });
    } else errors.push({ path: 'file', message: res.locals.t('import.fileRequired') });

    const parsed = importOptionsSchema.safeParse(optionsInput(body));
    if (!parsed.success) errors.push(...formErrors(toFieldErrors(parsed.error), res.locals.i18n as I18n));
    if (errors.length || !upload || !parsed.success) return { ok: false, values, errors, status, upload };
    return { ok: true, situation, values, upload, options: toImportOptions(parsed.data, upload.filename, upload.size), commit: body.action === 'commit' };
  };

  const preview = (req: Request, form: ReadyForm, file: string) => d.imports.preview(form.situation.slug, () => fs.createReadStream(file), form.options, req.user!);

  /** Checks the file and shows the report; keeps the file for the commit only when there is something to import. */
  const previewStep = async (req: Request, res: Response, form: ReadyForm) => {
    const { situation, values, upload: pending } = form;
    let report: ImportReport;
    try {
      report = await preview(req, form, pending.path);
    } catch (err) {
      // A refusal of the service (never a 5xx) shown on the form; the file is kept for another try.
      if (!(err instanceof HttpError) || err.status >= 500) throw err;
      const fields = err.details.fields ?? [];
      return render(res, err.status, {
        situation,
        values,
        upload: pending,
        errors: fields.length && err.code === 'validation_failed' ? formErrors(fields, res.locals.i18n as I18n) : [],
        problem: err.message,
      });
    }
    // Nothing to commit: the file is not kept (problems must be fixed in the file itself).
    const keep = report.errorCount === 0 && report.newFigures > 0;
    if (!keep) await uploads.remove(pending.id);
    return render(res, 200, { situation, values, upload: keep ? pending : null, report });
  };

  /** Imports the pending file (all rows or none) and goes to the import's record; a refusal shows the whole report again. */
  const commitStep = async (req: Request, res: Response, form: ReadyForm) => {
    const { situation, values, upload: pending, options } = form;
    const slug = situation.slug;
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
        again = await preview(req, form, claimed);
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
  };

  r.post('/situations/:slug/import', requirePageRole('editor'), async (req, res) => {
    const situation = await d.situations.get(String(req.params.slug));
    const form = await readForm(req, res, situation);
    if (!form.ok) return render(res, form.status, { situation, values: form.values, errors: form.errors, upload: form.upload });
    return form.commit ? commitStep(req, res, form) : previewStep(req, res, form);
  });

  r.get('/situations/:slug/imports/:id', requirePageRole('editor'), async (req, res) => {
    const id = idParam(req);
    const { situation, record, counts } = await d.imports.record(String(req.params.slug), id);
    const approved = typeof req.query.approved === 'string' && /^\d{1,9}$/.test(req.query.approved) ? Number(req.query.approved) : null;
    res.render('imports/show', {
      title: res.locals.t('import.doneTitle', { id }),
      situation,
      record,
      counts,
      // The importer's own drafts need a second pair of eyes; an admin may approve them all.
      canApproveAll: hasRole(req.user, 'admin') || record.created_by !== req.user!.email,
      approved,
    });
  });

  r.post('/situations/:slug/imports/:id/approve', requirePageRole('editor'), async (req, res) => {
    const slug = String(req.params.slug);
    const { approved } = await d.figures.approveImport(slug, idParam(req), req.user!);
    res.redirect(303, `/situations/${encodeURIComponent(slug)}/imports/${idParam(req)}?approved=${approved}`);
  });

  return r;
}
