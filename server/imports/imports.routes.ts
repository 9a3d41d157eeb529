import { Readable } from 'node:stream';
import express, { Router } from 'express';
import multer from 'multer';
import { requireRole } from '../auth/auth.middleware';
import { HttpError, fromUploadError, fieldError, cleanFilename, UPLOAD_CHARSETS } from '../errors';
import { parseQuery, positiveId } from '../validation';
import type { FiguresService } from '../figures/figures.service';
import type { ImportsService } from './imports.service';
import { importOptionsSchema, MAX_UPLOAD_BYTES, toImportOptions } from './import-options';

/** A buffer as consecutive views of at most `size` bytes (no copy). */
export function* pieces(buffer: Buffer, size: number): Generator<Buffer> {
  for (let i = 0; i < buffer.length; i += size) yield buffer.subarray(i, i + size);
}

/**
 * POST /api/v1/situations/:slug/imports: a CSV (text/csv) or a saved DTM API JSON answer (application/json) as the
 * raw body, or either as the multipart field `file`.
 * Without `commit=true` it only previews: counts and every problem, nothing stored.
 */
export function importsApi(imports: ImportsService, figures: FiguresService): Router {
  const r = Router();
  const single = multer({
    ...UPLOAD_CHARSETS,
    storage: multer.memoryStorage(),
    limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 40, parts: 41, fieldSize: 200 * 1024, fieldNameSize: 100 },
  }).single('file');
  r.post(
    '/situations/:slug/imports',
    requireRole('editor'),
    express.raw({ type: ['text/csv', 'text/plain', 'application/octet-stream', 'application/json'], limit: MAX_UPLOAD_BYTES }),
    // Upload errors (two files, another field, no boundary, a truncated body, too large) answer 400/413, never 500.
    (req, res, next) => single(req, res, (err?: unknown) => next(err ? fromUploadError(err, MAX_UPLOAD_BYTES) : undefined)),
    async (req, res) => {
      const opts = parseQuery(importOptionsSchema, req.query);
      const buffer: Buffer | undefined = req.file?.buffer ?? (Buffer.isBuffer(req.body) ? req.body : undefined);
      if (!buffer)
        throw new HttpError(400, 'validation_failed', 'Send the CSV as the request body (Content-Type: text/csv) or as the multipart field "file"', {
          fields: [fieldError('file', 'required')],
        });
      // In 64 KB pieces, as a file is read from disk: one 3 MB chunk was parsed in one synchronous go (blocking
      // every other request for a second) and overflowed the call stack at 150,000 rows.
      const source = () => Readable.from(pieces(buffer, 64 * 1024));
      const options = toImportOptions(opts, cleanFilename(req.file?.originalname), buffer.length);
      const report = opts.commit
        ? await imports.commit(String(req.params.slug), source, options, req.user!)
        : await imports.preview(String(req.params.slug), source, options, req.user!);
      res.status(report.committed ? 201 : 200).json(report);
    },
  );
  // A second editor approves an editor's import in one step (four eyes; the importer's own figures are skipped).
  r.post('/situations/:slug/imports/:id/approve', requireRole('editor'), async (req, res) => {
    res.json(await figures.approveImport(String(req.params.slug), positiveId(req.params.id), req.user!));
  });
  return r;
}
